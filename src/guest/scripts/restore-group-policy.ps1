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

# rdp-autorepair: common helpers go here

Set-Utf8Output

$GpsvcSubKey = 'SYSTEM\CurrentControlSet\Services\gpsvc'
$StashSubKey = 'SOFTWARE\rdp-autorepair'
$StashValueName = 'GpsvcStartBeforeRepair'
$GpsvcDisabled = 4
$StartTimeoutSeconds = 30
# gpupdate's own wait (/wait) and ours: the process is ended if it outlives both.
$GpupdateWaitSeconds = 100
$GpupdateTimeoutSeconds = 120

$result = [ordered]@{
    script           = 'restore-group-policy'
    ok               = $false
    message          = ''
    changes          = @()
    actions          = @()
    gpupdateExitCode = $null
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
    $null = Set-RecordedDword -SubKey $GpsvcSubKey -Name 'Start' -Value $PreviousStart -CreateKey $false

    # enable-tls's note of the original start type has served its purpose once the value is back.
    $stash = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($StashSubKey, $true)
    if ($null -ne $stash) {
        try {
            $stashed = ConvertTo-RecordValue -Value ($stash.GetValue($StashValueName, $null))
            if ($null -ne $stashed) {
                $stash.DeleteValue($StashValueName)
                Add-Change -Path ('HKLM:\' + $StashSubKey) -Name $StashValueName -Before $stashed -After $null
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
            Start-ServiceBounded -Name 'gpsvc' -TimeoutSeconds $StartTimeoutSeconds
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
                Start-ServiceBounded -Name 'gpsvc' -TimeoutSeconds $StartTimeoutSeconds
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
Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
