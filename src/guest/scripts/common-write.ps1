# ---- common-write.ps1: inserted by loadGuestScript (src/guest/scriptCatalog.ts) after common-read.ps1 in the
# scripts that change the guest (never in a READ_ONLY_SCRIPTS one such as diagnose). Every write is recorded
# in $changes as { path, name, before, after }; every service action is a line in $actions.

$changes = [System.Collections.Generic.List[object]]::new()
$actions = [System.Collections.Generic.List[string]]::new()

function Add-Change {
    param([string]$Path, [string]$Name, [object]$Before, [object]$After)
    $changes.Add([ordered]@{ path = $Path; name = $Name; before = $Before; after = $After })
}

function ConvertTo-RecordValue {
    # RecordedChange values are numbers, strings or null; binary data becomes hex, lists become text.
    param([object]$Value)
    if ($null -eq $Value) {
        return $null
    }
    if ($Value -is [int] -or $Value -is [long]) {
        return $Value
    }
    if ($Value -is [byte[]]) {
        return [System.BitConverter]::ToString($Value).Replace('-', '')
    }
    if ($Value -is [array]) {
        return (Limit-Text -Text ($Value -join ',') -Max 100)
    }
    return (Limit-Text -Text $Value -Max 100)
}

function Set-RecordedDword {
    # Writes one REG_DWORD under HKLM (creating the key when asked), records the change, returns the value it
    # replaced.
    param([string]$SubKey, [string]$Name, [int]$Value, [bool]$CreateKey)
    if ($CreateKey) {
        $key = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey($SubKey)
    }
    else {
        $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($SubKey, $true)
        if ($null -eq $key) {
            throw ('registry key HKLM\{0} does not exist' -f $SubKey)
        }
    }
    try {
        $before = ConvertTo-RecordValue -Value ($key.GetValue($Name, $null))
        $key.SetValue($Name, $Value, [Microsoft.Win32.RegistryValueKind]::DWord)
        $after = ConvertTo-RecordValue -Value ($key.GetValue($Name, $null))
    }
    finally {
        $key.Close()
    }
    Add-Change -Path ('HKLM:\' + $SubKey) -Name $Name -Before $before -After $after
    return $before
}

function Start-ServiceBounded {
    # Start-Service waits without limit; Start() plus WaitForStatus bounds the wait.
    param([string]$Name, [int]$TimeoutSeconds)
    $service = Get-Service -Name $Name
    if ($service.Status -ne 'Running') {
        $service.Start()
        $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running, [TimeSpan]::FromSeconds($TimeoutSeconds))
        $actions.Add('started ' + $Name)
    }
}
# ---- end of common-write.ps1
