<#
.SYNOPSIS
    rdp-autorepair: enable TLS for the RDP server side and keep Group Policy from undoing it until a restart.
.DESCRIPTION
    Playbook step 3, with the errata applied:
      - TLS 1.2 Server: Enabled = 1, DisabledByDefault = 0 (errata 10: the safe default);
      - TLS 1.0 and TLS 1.1 Server only when AllowLegacyTls is 'true' (a security regression, caller's choice);
      - gpsvc Start = 4 through the registry (errata 11: "sc config gpsvc" may be refused on current Windows),
        recording the previous value so restore-group-policy can put it back.
    Every value written is recorded with its previous value. No restart here: SCHANNEL and the gpsvc start type
    take effect at the next boot, which the orchestrator schedules once for all fixes.
    AllowLegacyTls is a string ('true' / 'false'): Run Command passes every parameter as a string, and Windows
    PowerShell 5.1 cannot bind the string "true" to a [bool] parameter.
    Runs through Azure Run Command as LocalSystem (Windows PowerShell 5.1). The LAST stdout line is the result
    marker followed by compact JSON (EnableTlsResult in src/guest/scriptContracts.ts).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidateSet('true', 'false')]
    [string]$AllowLegacyTls
)

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

Set-Utf8Output

# Sub-keys of HKEY_LOCAL_MACHINE, opened through the .NET registry API: CreateSubKey creates the missing
# "TLS 1.x" and "Server" levels in one call.
$SchannelProtocolsSubKey = 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$GpsvcSubKey = 'SYSTEM\CurrentControlSet\Services\gpsvc'
# Where the gpsvc start type before the first run is kept, so that running this script twice (a retried
# activity) still reports the original value instead of the 4 the first run wrote.
$StashSubKey = 'SOFTWARE\rdp-autorepair'
$StashValueName = 'GpsvcStartBeforeRepair'
$GpsvcDisabled = 4

$result = [ordered]@{
    script             = 'enable-tls'
    ok                 = $false
    message            = ''
    changes            = @()
    actions            = @()
    previousGpsvcStart = $null
}

function Get-LocalMachineValue {
    param([string]$SubKey, [string]$Name)
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($SubKey, $false)
    if ($null -eq $key) {
        return $null
    }
    try {
        return (ConvertTo-RecordValue -Value ($key.GetValue($Name, $null)))
    }
    finally {
        $key.Close()
    }
}

function Enable-TlsServer {
    param([string]$Version)
    $serverSubKey = $SchannelProtocolsSubKey + '\' + $Version + '\Server'
    $null = Set-RecordedDword -SubKey $serverSubKey -Name 'Enabled' -Value 1 -CreateKey $true
    $null = Set-RecordedDword -SubKey $serverSubKey -Name 'DisabledByDefault' -Value 0 -CreateKey $true
    $actions.Add('enabled ' + $Version + ' Server')
}

try {
    Enable-TlsServer -Version 'TLS 1.2'
    if ($AllowLegacyTls -eq 'true') {
        # Only on the caller's explicit request: TLS 1.0/1.1 are deprecated and not needed by current clients.
        Enable-TlsServer -Version 'TLS 1.0'
        Enable-TlsServer -Version 'TLS 1.1'
    }

    # Keep a domain Group Policy from re-disabling TLS before the restart: gpsvc Start = 4 (disabled).
    $gpsvcStart = Get-LocalMachineValue -SubKey $GpsvcSubKey -Name 'Start'
    $stashed = Get-LocalMachineValue -SubKey $StashSubKey -Name $StashValueName
    if ($gpsvcStart -eq $GpsvcDisabled -and $null -ne $stashed) {
        # An earlier run already disabled gpsvc: the original start type is the stashed one.
        $result.previousGpsvcStart = $stashed
        $actions.Add('gpsvc already disabled by an earlier run')
    }
    else {
        $result.previousGpsvcStart = $gpsvcStart
        if ($null -ne $gpsvcStart -and $gpsvcStart -ne $GpsvcDisabled) {
            $null = Set-RecordedDword -SubKey $StashSubKey -Name $StashValueName -Value $gpsvcStart -CreateKey $true
        }
    }
    $null = Set-RecordedDword -SubKey $GpsvcSubKey -Name 'Start' -Value $GpsvcDisabled -CreateKey $false
    $actions.Add('disabled gpsvc until restore-group-policy (takes effect at the next restart)')

    $result.ok = $true
    $result.message = 'TLS Server settings written; restart the VM to apply them'
}
catch {
    $result.ok = $false
    $result.message = Limit-Text -Text ('enable-tls failed: ' + $_.Exception.Message) -Max 500
}

$result.changes = $changes.ToArray()
$result.actions = $actions.ToArray()
Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
