<#
.SYNOPSIS
    rdp-autorepair: free the RDP port from another service, or move RDP to a fallback port.
.DESCRIPTION
    Playbook step 1. Re-checks that ServiceName still listens on RdpPort (diagnose may be minutes old) and
    changes nothing when it does not, or when its process hosts any other service (a shared svchost: stopping
    the service stops its siblings' process or frees nothing, and the socket may be a sibling's). Otherwise it
    stops that service (bounded wait), restarts TermService on RdpPort and, once TermService listens, sets the
    holder's registry Start to 4 (Disabled, old value recorded) so it does not take the port again at the next
    boot. When the holder cannot be stopped, or comes back, RDP moves to FallbackPort: PortNumber and the
    RemoteDesktop-UserMode-In firewall rules are updated (each old value recorded) and TermService restarted;
    if any of that fails, every value written is put back (recorded too) before the script reports failure.
    Runs through Azure Run Command as LocalSystem (Windows PowerShell 5.1). The LAST stdout line is the result
    marker followed by compact JSON (FixPortConflictResult in src/guest/scriptContracts.ts).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidatePattern('^[A-Za-z0-9_.-]{1,256}$')]
    [string]$ServiceName,

    [Parameter(Mandatory = $true)]
    [ValidateRange(1, 65535)]
    [int]$RdpPort,

    [Parameter(Mandatory = $true)]
    [ValidateRange(1, 65535)]
    [int]$FallbackPort
)

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

Set-Utf8Output

$RdpTcpPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$FirewallRuleNames = @('RemoteDesktop-UserMode-In-TCP', 'RemoteDesktop-UserMode-In-UDP')
# Bounds for every wait: the whole script must finish in a few minutes even when a service hangs.
$StopTimeoutSeconds = 30
$StartTimeoutSeconds = 45
$ListenTimeoutSeconds = 30

$result = [ordered]@{
    script        = 'fix-port-conflict'
    ok            = $false
    message       = ''
    changes       = @()
    actions       = @()
    stoppedHolder = $false
    newPort       = $null
}

function Get-PortHolderProcesses {
    # The processes listening on the port, each with the services it hosts. A process that is not a service
    # (e.g. PID 4 for http.sys) has an empty list, so "nobody" and "someone unknown" stay distinct.
    param([int]$Port)
    $holders = @()
    $processIds = @(Get-NetTCPConnection -LocalPort $Port -State Listen -ErrorAction SilentlyContinue | ForEach-Object { [int]$_.OwningProcess } | Sort-Object -Unique)
    foreach ($owningProcessId in $processIds) {
        $services = @(Get-CimInstance -ClassName Win32_Service -Filter ('ProcessId = {0}' -f $owningProcessId) -ErrorAction SilentlyContinue | ForEach-Object { [string]$_.Name })
        $holders += [pscustomobject]@{ ProcessId = $owningProcessId; Services = $services }
    }
    return $holders
}

function Get-PortHolderServices {
    # Flattened: service names, and "pid:<n>" for a listening process that hosts no service.
    param([int]$Port)
    $names = @()
    foreach ($holder in @(Get-PortHolderProcesses -Port $Port)) {
        if ($holder.Services.Count -eq 0) {
            $names += ('pid:{0}' -f $holder.ProcessId)
        }
        $names += $holder.Services
    }
    return $names
}

function Test-TermServiceListening {
    param([int]$Port)
    $holders = @(Get-PortHolderServices -Port $Port)
    return ($holders -contains 'TermService')
}

function Wait-TermServiceListening {
    # TermService opens its listener a few seconds after it reports Running; poll instead of sleeping blindly.
    param([int]$Port, [int]$TimeoutSeconds)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-Date) -lt $deadline) {
        if (Test-TermServiceListening -Port $Port) {
            return $true
        }
        Start-Sleep -Seconds 2
    }
    return (Test-TermServiceListening -Port $Port)
}

function Stop-ServiceBounded {
    # Stop-Service alone waits without limit; -NoWait plus WaitForStatus bounds it. -Force also stops the
    # services that depend on this one; they are returned so the caller can start them again.
    param([string]$Name, [int]$TimeoutSeconds)
    $service = Get-Service -Name $Name
    $dependents = @($service.DependentServices | Where-Object { $_.Status -eq 'Running' } | ForEach-Object { $_.Name })
    if ($service.Status -ne 'Stopped') {
        Stop-Service -Name $Name -Force -NoWait
        $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Stopped, [TimeSpan]::FromSeconds($TimeoutSeconds))
        $actions.Add('stopped ' + $Name)
        foreach ($dependent in $dependents) {
            $actions.Add('stopped ' + $dependent + ' (depends on ' + $Name + ')')
        }
    }
    return $dependents
}

function Restart-TermServiceBounded {
    # A TermService that lost the race for its port keeps running without a listener: only a restart rebinds.
    $dependents = @(Stop-ServiceBounded -Name 'TermService' -TimeoutSeconds $StopTimeoutSeconds)
    Start-ServiceBounded -Name 'TermService' -TimeoutSeconds $StartTimeoutSeconds
    foreach ($dependent in $dependents) {
        Start-ServiceBounded -Name $dependent -TimeoutSeconds $StartTimeoutSeconds
    }
}

function Get-FirewallLocalPorts {
    param([string]$RuleName)
    $rule = Get-NetFirewallRule -Name $RuleName -ErrorAction SilentlyContinue
    if ($null -eq $rule) {
        return $null
    }
    return (@(($rule | Get-NetFirewallPortFilter).LocalPort) -join ',')
}

function Set-FirewallRulePorts {
    param([string]$RuleName, [string]$LocalPort, [string]$Enabled)
    Set-NetFirewallRule -Name $RuleName -LocalPort $LocalPort
    if ($Enabled -eq 'True') {
        Enable-NetFirewallRule -Name $RuleName
    }
    else {
        Disable-NetFirewallRule -Name $RuleName
    }
}

function Undo-PortMove {
    # Puts back what Move-RdpToFallbackPort wrote, each restore recorded: a PortNumber left at the fallback
    # would move RDP at the next boot to a port no NSG rule opens. Best effort: a restore that fails is said.
    param([object]$PortBefore, [object[]]$RulesBefore)
    try {
        if ($null -eq $PortBefore) {
            Remove-ItemProperty -LiteralPath $RdpTcpPath -Name 'PortNumber'
        }
        else {
            Set-ItemProperty -LiteralPath $RdpTcpPath -Name 'PortNumber' -Value $PortBefore -Type DWord
        }
        Add-Change -Path $RdpTcpPath -Name 'PortNumber' -Before $FallbackPort -After $PortBefore
    }
    catch {
        $actions.Add((Limit-Text -Text ('could not put PortNumber back to ' + $PortBefore + ': ' + $_.Exception.Message) -Max 200))
    }
    foreach ($rule in $RulesBefore) {
        try {
            Set-FirewallRulePorts -RuleName $rule.Name -LocalPort $rule.LocalPorts -Enabled $rule.Enabled
            Add-Change -Path ('FirewallRule:' + $rule.Name) -Name 'LocalPort' -Before ([string]$FallbackPort) -After $rule.LocalPorts
        }
        catch {
            $actions.Add((Limit-Text -Text ('could not put firewall rule ' + $rule.Name + ' back: ' + $_.Exception.Message) -Max 200))
        }
    }
}

function Move-RdpToFallbackPort {
    # Playbook: change PortNumber, open the firewall rule for the new port, restart TermService. The NSG rule
    # for the new port is the orchestrator's job (it owns Azure-side changes).
    $occupants = @(Get-PortHolderServices -Port $FallbackPort | Where-Object { $_ -ne 'TermService' })
    if ($occupants.Count -gt 0) {
        throw ('fallback port {0} is already in use by {1}' -f $FallbackPort, ($occupants -join ', '))
    }

    $portBefore = (Get-Item -LiteralPath $RdpTcpPath).GetValue('PortNumber', $null)
    $rulesBefore = @()
    try {
        Set-ItemProperty -LiteralPath $RdpTcpPath -Name 'PortNumber' -Value $FallbackPort -Type DWord
        Add-Change -Path $RdpTcpPath -Name 'PortNumber' -Before $portBefore -After $FallbackPort

        foreach ($ruleName in $FirewallRuleNames) {
            $portsBefore = Get-FirewallLocalPorts -RuleName $ruleName
            if ($null -eq $portsBefore) {
                $actions.Add('firewall rule ' + $ruleName + ' not found')
                continue
            }
            $enabledBefore = [string](Get-NetFirewallRule -Name $ruleName).Enabled
            $rulesBefore += [pscustomobject]@{ Name = $ruleName; LocalPorts = $portsBefore; Enabled = $enabledBefore }
            Set-FirewallRulePorts -RuleName $ruleName -LocalPort ([string]$FallbackPort) -Enabled 'True'
            Add-Change -Path ('FirewallRule:' + $ruleName) -Name 'LocalPort' -Before $portsBefore -After ([string]$FallbackPort)
            if ($enabledBefore -ne 'True') {
                Add-Change -Path ('FirewallRule:' + $ruleName) -Name 'Enabled' -Before $enabledBefore -After 'True'
            }
        }

        Restart-TermServiceBounded
        if (-not (Wait-TermServiceListening -Port $FallbackPort -TimeoutSeconds $ListenTimeoutSeconds)) {
            throw ('TermService does not listen on fallback port {0} after its restart' -f $FallbackPort)
        }
    }
    catch {
        $failure = $_.Exception.Message
        Undo-PortMove -PortBefore $portBefore -RulesBefore $rulesBefore
        # TermService may have been restarted on the fallback port: once more, so it binds the old one.
        try {
            Restart-TermServiceBounded
        }
        catch {
            $actions.Add((Limit-Text -Text ('could not restart TermService after the undo: ' + $_.Exception.Message) -Max 200))
        }
        throw ('{0}; PortNumber and the firewall rules were put back to {1}' -f $failure, $portBefore)
    }
    $result.newPort = $FallbackPort
}

function Disable-PortHolder {
    # The SCM reads Start at boot: without this an automatic holder takes the port again at the next restart.
    # The registry value, not Set-Service (PLAYBOOK errata 11); the old value is recorded so it can be put back.
    param([string]$Name)
    $subKey = 'SYSTEM\CurrentControlSet\Services\' + $Name
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($subKey)
    if ($null -eq $key) {
        throw ('registry key HKLM\{0} does not exist' -f $subKey)
    }
    try {
        $start = $key.GetValue('Start', $null)
    }
    finally {
        $key.Close()
    }
    if ($start -eq 4) {
        return $start
    }
    $null = Set-RecordedDword -SubKey $subKey -Name 'Start' -Value 4 -CreateKey $false
    return $start
}

try {
    if ($FallbackPort -eq $RdpPort) {
        throw 'FallbackPort must differ from RdpPort'
    }
    if ($ServiceName -eq 'TermService') {
        throw 'ServiceName is TermService itself: there is no conflict to fix'
    }

    # Re-verify: the conflict diagnose saw may be gone, or another service may hold the port now.
    $holderProcess = @(Get-PortHolderProcesses -Port $RdpPort | Where-Object { $_.Services -contains $ServiceName }) | Select-Object -First 1
    if ($null -eq $holderProcess) {
        $holders = @(Get-PortHolderServices -Port $RdpPort)
        $result.message = '{0} no longer listens on port {1} (holders: {2}); nothing changed' -f $ServiceName, $RdpPort, (Limit-Text -Text ($holders -join ', ') -Max 100)
    }
    elseif ($holderProcess.Services -contains 'TermService') {
        # Same shared svchost as TermService: the socket is TermService's, and stopping a sibling frees nothing.
        $result.message = '{0} shares process {1} with TermService, which owns port {2}; nothing changed' -f $ServiceName, $holderProcess.ProcessId, $RdpPort
    }
    elseif (@($holderProcess.Services).Count -gt 1) {
        # A shared svchost: the socket may be a sibling's, and the process hosts services nothing asked to stop.
        $others = @($holderProcess.Services | Where-Object { $_ -ne $ServiceName })
        $result.message = Limit-Text -Text ('{0} shares process {1} with {2}: stopping it could stop them too, and the socket may be theirs; nothing changed' -f $ServiceName, $holderProcess.ProcessId, ($others -join ', ')) -Max 300
    }
    else {
        $holderStopped = $false
        try {
            $null = Stop-ServiceBounded -Name $ServiceName -TimeoutSeconds $StopTimeoutSeconds
            $holderStopped = $true
        }
        catch {
            $actions.Add((Limit-Text -Text ('could not stop ' + $ServiceName + ': ' + $_.Exception.Message) -Max 200))
        }

        $listening = $false
        if ($holderStopped) {
            $result.stoppedHolder = $true
            Restart-TermServiceBounded
            $listening = Wait-TermServiceListening -Port $RdpPort -TimeoutSeconds $ListenTimeoutSeconds
            # A recovery action or a sibling service may have taken the port back in the meantime.
            $stillHeld = @(Get-PortHolderServices -Port $RdpPort | Where-Object { $_ -ne 'TermService' })
            if (-not $listening -and $stillHeld.Count -eq 0) {
                throw ('{0} stopped and port {1} is free, but TermService does not listen on it' -f $ServiceName, $RdpPort)
            }
            if (-not $listening) {
                $actions.Add('port ' + $RdpPort + ' taken again by ' + ($stillHeld -join ', '))
            }
        }

        if ($listening) {
            $result.ok = $true
            try {
                $startBefore = Disable-PortHolder -Name $ServiceName
                $result.message = 'stopped {0} and set it to Disabled (Start was {1}); TermService listens on port {2}' -f $ServiceName, $startBefore, $RdpPort
            }
            catch {
                # RDP works now; say plainly that the conflict can come back rather than fail the whole fix.
                $actions.Add((Limit-Text -Text ('could not set ' + $ServiceName + ' to Disabled: ' + $_.Exception.Message) -Max 200))
                $result.message = 'stopped {0}; TermService listens on port {1}; its start type is unchanged, so it may take the port again at the next boot' -f $ServiceName, $RdpPort
            }
        }
        else {
            $result.stoppedHolder = $false
            Move-RdpToFallbackPort
            $result.ok = $true
            $result.message = '{0} keeps port {1}; RDP moved to port {2} (update the NSG rule)' -f $ServiceName, $RdpPort, $FallbackPort
        }
    }
}
catch {
    $result.ok = $false
    $result.message = Limit-Text -Text ('fix-port-conflict failed: ' + $_.Exception.Message) -Max 500
}

$result.changes = $changes.ToArray()
$result.actions = $actions.ToArray()
Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
