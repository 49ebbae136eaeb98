<#
.SYNOPSIS
    rdp-autorepair: undo enable-tls's Group Policy pause and re-apply the computer policy.
.DESCRIPTION
    Playbook step 3, after RDP works again: put gpsvc's Start value back to PreviousStart (through the registry,
    errata 11), start gpsvc, and run gpupdate /force (bounded) so that a domain policy that disables TLS shows
    itself now; the orchestrator re-diagnoses afterwards.
    The Service Control Manager reads start types at boot, so a registry-only change is seen by it after the
    next restart. When the running SCM still considers gpsvc disabled, this script asks it once through
    Set-Service (which may be refused, errata 11); if gpsvc still cannot start, the registry value is restored
    anyway, gpupdate is skipped, and the result says a restart is needed (ok = false).
    Runs through Azure Run Command as LocalSystem (Windows PowerShell 5.1). The LAST stdout line is the result
    marker followed by compact JSON (RestoreGroupPolicyResult in src/guest/scriptContracts.ts).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidateRange(2, 4)]
    [int]$PreviousStart
)

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

$GpsvcSubKey = 'SYSTEM\CurrentControlSet\Services\gpsvc'
$StashSubKey = 'SOFTWARE\rdp-autorepair'
$StashValueName = 'GpsvcStartBeforeRepair'
$GpsvcDisabled = 4
$StartTimeoutSeconds = 30
# gpupdate's own wait (/wait) and ours: the process is ended if it outlives both.
$GpupdateWaitSeconds = 100
$GpupdateTimeoutSeconds = 120

$changes = [System.Collections.Generic.List[object]]::new()
$actions = [System.Collections.Generic.List[string]]::new()
$result = [ordered]@{
    script           = 'restore-group-policy'
    ok               = $false
    message          = ''
    changes          = @()
    actions          = @()
    gpupdateExitCode = $null
}

function Limit-Text {
    # Caps free text so the result line stays far below Run Command's 4 KB output window.
    param([object]$Text, [int]$Max = 300)
    if ($null -eq $Text) {
        return $null
    }
    $value = [string]$Text
    if ($value.Length -gt $Max) {
        return $value.Substring(0, $Max)
    }
    return $value
}

function ConvertTo-RecordValue {
    param([object]$Value)
    if ($null -eq $Value) {
        return $null
    }
    if ($Value -is [int] -or $Value -is [long]) {
        return $Value
    }
    return (Limit-Text -Text $Value -Max 100)
}

function Start-GpsvcBounded {
    $service = Get-Service -Name 'gpsvc'
    if ($service.Status -ne 'Running') {
        $service.Start()
        $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running, [TimeSpan]::FromSeconds($StartTimeoutSeconds))
        $actions.Add('started gpsvc')
    }
}

function Invoke-GpupdateBounded {
    # gpupdate /force can stop to ask "OK to restart/log off? (Y/N)": with nobody at the console that would
    # hang until Run Command gives up. Its input is answered "N" in advance (the orchestrator owns restarts),
    # and the process is ended if it outlives the timeout. Only computer policy: SCHANNEL and gpsvc live
    # there, and there is no interactive user whose policy matters here.
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new()
    $startInfo.FileName = Join-Path $env:SystemRoot 'System32\gpupdate.exe'
    $startInfo.Arguments = '/target:computer /force /wait:' + $GpupdateWaitSeconds
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        # Read both streams asynchronously so a full pipe cannot block gpupdate.
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        try {
            $process.StandardInput.WriteLine('N')
            $process.StandardInput.Close()
        }
        catch [System.IO.IOException] {
            # gpupdate already finished and closed its input: nothing needed answering.
            $actions.Add('gpupdate did not read its input')
        }
        if (-not $process.WaitForExit($GpupdateTimeoutSeconds * 1000)) {
            $process.Kill()
            $actions.Add('gpupdate ended after ' + $GpupdateTimeoutSeconds + ' s without finishing')
            return $null
        }
        $process.WaitForExit()
        $exitCode = $process.ExitCode
        $actions.Add('gpupdate /target:computer /force exited with ' + $exitCode)
        if ($exitCode -ne 0) {
            $actions.Add((Limit-Text -Text ('gpupdate: ' + (($stdout.Result + ' ' + $stderr.Result) -replace '\s+', ' ').Trim()) -Max 300))
        }
        return $exitCode
    }
    finally {
        $process.Dispose()
    }
}

try {
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($GpsvcSubKey, $true)
    if ($null -eq $key) {
        throw ('registry key HKLM\{0} does not exist' -f $GpsvcSubKey)
    }
    try {
        $before = ConvertTo-RecordValue -Value ($key.GetValue('Start', $null))
        $key.SetValue('Start', $PreviousStart, [Microsoft.Win32.RegistryValueKind]::DWord)
        $after = ConvertTo-RecordValue -Value ($key.GetValue('Start', $null))
    }
    finally {
        $key.Close()
    }
    $changes.Add([ordered]@{ path = 'HKLM:\' + $GpsvcSubKey; name = 'Start'; before = $before; after = $after })

    # enable-tls's note of the original start type has served its purpose once the value is back.
    $stash = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($StashSubKey, $true)
    if ($null -ne $stash) {
        try {
            $stashed = ConvertTo-RecordValue -Value ($stash.GetValue($StashValueName, $null))
            if ($null -ne $stashed) {
                $stash.DeleteValue($StashValueName)
                $changes.Add([ordered]@{ path = 'HKLM:\' + $StashSubKey; name = $StashValueName; before = $stashed; after = $null })
            }
        }
        finally {
            $stash.Close()
        }
    }

    if ($PreviousStart -eq $GpsvcDisabled) {
        # Group Policy was off before the repair began: leave it off and do not run gpupdate.
        $result.ok = $true
        $result.message = 'gpsvc was disabled before the repair and stays disabled; gpupdate not run'
    }
    else {
        $started = $false
        try {
            Start-GpsvcBounded
            $started = $true
        }
        catch {
            $actions.Add((Limit-Text -Text ('gpsvc did not start: ' + $_.Exception.Message) -Max 200))
        }
        if (-not $started) {
            # The running SCM still has gpsvc as disabled (it read the start type at boot): ask it directly.
            $startupType = 'Automatic'
            if ($PreviousStart -eq 3) {
                $startupType = 'Manual'
            }
            try {
                Set-Service -Name 'gpsvc' -StartupType $startupType
                $actions.Add('set gpsvc start type to ' + $startupType + ' through the SCM')
                Start-GpsvcBounded
                $started = $true
            }
            catch {
                $actions.Add((Limit-Text -Text ('SCM refused gpsvc: ' + $_.Exception.Message) -Max 200))
            }
        }

        if (-not $started) {
            $result.message = 'gpsvc Start restored to {0} in the registry; it applies at the next restart; gpupdate not run' -f $PreviousStart
        }
        else {
            $result.gpupdateExitCode = Invoke-GpupdateBounded
            $result.ok = ($result.gpupdateExitCode -eq 0)
            if ($result.ok) {
                $result.message = 'gpsvc restored and running; computer policy re-applied'
            }
            else {
                $result.message = 'gpsvc restored and running; gpupdate did not complete'
            }
        }
    }
}
catch {
    $result.ok = $false
    $result.message = Limit-Text -Text ('restore-group-policy failed: ' + $_.Exception.Message) -Max 500
}

$result.changes = $changes.ToArray()
$result.actions = $actions.ToArray()
Write-Output ('RDPAUTOREPAIR-RESULT:' + ($result | ConvertTo-Json -Compress -Depth 6))
