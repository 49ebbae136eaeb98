<#
.SYNOPSIS
    rdp-autorepair: free the RDP port from another service, or move RDP to a fallback port.
.DESCRIPTION
    Playbook step 1. Re-checks that ServiceName still listens on RdpPort (diagnose may be minutes old) and
    changes nothing when it does not. Otherwise it stops that service (bounded wait) and restarts TermService
    on RdpPort. When the holder cannot be stopped, or comes back, RDP moves to FallbackPort: PortNumber and the
    RemoteDesktop-UserMode-In firewall rules are updated (each old value recorded) and TermService restarted.
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

function Move-RdpToFallbackPort {
    # Playbook: change PortNumber, open the firewall rule for the new port, restart TermService. The NSG rule
    # for the new port is the orchestrator's job (it owns Azure-side changes).
    $occupants = @(Get-PortHolderServices -Port $FallbackPort | Where-Object { $_ -ne 'TermService' })
    if ($occupants.Count -gt 0) {
        throw ('fallback port {0} is already in use by {1}' -f $FallbackPort, ($occupants -join ', '))
    }

    $portBefore = (Get-Item -LiteralPath $RdpTcpPath).GetValue('PortNumber', $null)
    Set-ItemProperty -LiteralPath $RdpTcpPath -Name 'PortNumber' -Value $FallbackPort -Type DWord
    Add-Change -Path $RdpTcpPath -Name 'PortNumber' -Before $portBefore -After $FallbackPort

    foreach ($ruleName in $FirewallRuleNames) {
        $portsBefore = Get-FirewallLocalPorts -RuleName $ruleName
        if ($null -eq $portsBefore) {
            $actions.Add('firewall rule ' + $ruleName + ' not found')
            continue
        }
        Set-NetFirewallRule -Name $ruleName -LocalPort $FallbackPort
        Add-Change -Path ('FirewallRule:' + $ruleName) -Name 'LocalPort' -Before $portsBefore -After ([string]$FallbackPort)
        $enabledBefore = [string](Get-NetFirewallRule -Name $ruleName).Enabled
        if ($enabledBefore -ne 'True') {
            Enable-NetFirewallRule -Name $ruleName
            Add-Change -Path ('FirewallRule:' + $ruleName) -Name 'Enabled' -Before $enabledBefore -After 'True'
        }
    }

    Restart-TermServiceBounded
    if (-not (Wait-TermServiceListening -Port $FallbackPort -TimeoutSeconds $ListenTimeoutSeconds)) {
        throw ('TermService does not listen on fallback port {0} after its restart' -f $FallbackPort)
    }
    $result.newPort = $FallbackPort
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
            $result.message = 'stopped {0}; TermService listens on port {1}' -f $ServiceName, $RdpPort
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
Write-Output ('RDPAUTOREPAIR-RESULT:' + ($result | ConvertTo-Json -Compress -Depth 6))
