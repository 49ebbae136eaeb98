<#
.SYNOPSIS
    rdp-autorepair: read-only, when Windows last booted.
.DESCRIPTION
    Runs through Azure Run Command as LocalSystem on Windows Server 2016+ (Windows PowerShell 5.1). The VM's
    instance view shows "running" and the agent "Ready" whether or not a restart happened, so the repair reads
    Win32_OperatingSystem.LastBootUpTime before and after it asked for one: a changed boot time is the proof.
    The value is a DateTime from CIM, written with ToString('s') in UTC, so nothing depends on the guest's
    culture. The LAST stdout line is the result marker followed by compact JSON (BootTimeResult in
    src/domain/guestScriptContracts.ts).
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

try {
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $result = [ordered]@{
        script         = 'boot-time'
        lastBootUpTime = ConvertTo-UtcText -Value $os.LastBootUpTime
    }
}
catch {
    $result = [ordered]@{ script = 'boot-time'; ok = $false; message = Limit-Text -Text ('boot-time failed: ' + $_.Exception.Message) -Max 500 }
}

Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
