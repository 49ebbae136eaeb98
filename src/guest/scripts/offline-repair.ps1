<#
.SYNOPSIS
    rdp-autorepair: repair a broken VM's Windows offline, on a rescue VM, through the hives of its OS disk copy.
.DESCRIPTION
    Runs through Azure Run Command on a Windows rescue VM (Windows PowerShell 5.1, LocalSystem) to which a copy of
    the broken VM's OS disk is attached at LUN $Lun. Playbook section 3, with the errata applied:
      - the disk is found by its LUN and size, never as "the disk that is not C:"; a disk-signature collision
        (erratum 13) is resolved with a temporary signature and the original is put back before the script ends;
      - the Windows volume is the one partition holding \Windows\System32\config\SYSTEM (no .hiv, erratum 2);
        zero or several, or a BitLocker-locked volume, stop the script before any change;
      - the hives are loaded under names unique to this run and unloaded in a finally block;
      - the control set is the one Select\Current names (and Select\Default when it differs), never a fixed
        number (erratum 3);
      - TLS 1.2 Server only unless AllowLegacyTls is 'true' (erratum 10);
      - the RDP key container ACLs are extended add-only, per build, after an icacls /save into the folder this
        script creates on the offline volume (errata 7 and 9);
      - the BCD store is the disk's own: \Boot\BCD on the active partition (Gen1) or \EFI\Microsoft\Boot\BCD on
        the EFI system partition (Gen2, erratum 8), read and written through the BCD WMI provider with
        well-known object identifiers, so no localized bcdedit text is ever parsed.
    Each check reads first and writes only what is broken; DetectOnly = 'true' stops after reading. Every write
    is recorded { path, name, before, after }; each registry key is exported (.reg) before its first change
    and the BCD store copied before it is opened, into <offline volume>\rdp-autorepair\<RunId>, with the full
    report. A second run finds everything healthy and changes no value, ACL or BCD element (it writes its
    report and BCD copy only).
    Values arrive only as parameters. The LAST stdout line is the result marker followed by compact ASCII JSON
    under 3 KB (OfflineRepairResult in src/domain/guestScriptContracts.ts).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidateRange(0, 63)]
    [int]$Lun,

    [Parameter(Mandatory = $true)]
    [ValidateRange(1, 32767)]
    [int]$DiskSizeGiB,

    [Parameter(Mandatory = $true)]
    [ValidateRange(1, 2)]
    [int]$Generation,

    [Parameter(Mandatory = $true)]
    [ValidatePattern('^[A-Za-z0-9-]{1,36}$')]
    [string]$RunId,

    [Parameter(Mandatory = $true)]
    [ValidateSet('true', 'false')]
    [string]$DetectOnly,

    [Parameter(Mandatory = $true)]
    [ValidateSet('true', 'false')]
    [string]$AllowLegacyTls
)

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

# ---------------------------------------------------------------- constants (sources in the comments)

$ResultByteLimit = 3000
# 1GB as a number: the numeric multiplier suffixes are not in every PowerShell grammar the checks use.
$OneGiB = 1073741824
$DetectOnlyRun = ($DetectOnly -eq 'true')
# GPT partition type of the EFI system partition (UEFI specification; MSFT_Partition GptType).
$EfiPartitionType = '{c12a7328-f81f-11d2-ba4b-00a0c93ec93b}'
# Well-known BCD object identifiers ({bootmgr}, {emssettings}; bcdedit /? ID) and element types
# (BcdBootMgrElementTypes, BcdLibraryElementTypes, BcdOSLoaderElementTypes in the BCD WMI provider docs).
$BcdBootMgrId = '{9dea862c-5cdd-4e70-acc1-f32b344d4795}'
$BcdEmsSettingsId = '{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}'
$BcdDefaultObject = 0x23000003
$BcdDisplayBootMenu = 0x26000020
$BcdTimeout = 0x25000004
$BcdLibraryEmsEnabled = 0x16000020
$BcdLoaderEmsEnabled = 0x260000B0
$BcdEmsPort = 0x15000022
$BcdEmsBaudRate = 0x15000023
# The container of the RDP self-signed certificate's key (TSSecKeySet1) is stored as f686aace..._<MachineGuid>.
$RdpKeyFilter = 'f686aace*'
$RdpKeyPrefix = 'f686aace6942fb7f7ceb231212eef4a4_'
$CertificateBlobPropertyId = 32

$diskState = [ordered]@{ number = $null; partitionStyle = $null; signatureCollision = $false; signatureRestored = $null }
$windowsState = [ordered]@{ build = $null; controlSets = @() }
$result = [ordered]@{
    script      = 'offline-repair'
    ok          = $false
    message     = ''
    detectOnly  = $DetectOnlyRun
    disk        = $diskState
    windows     = $windowsState
    findings    = @()
    changes     = @()
    planned     = @()
    omitted     = 0
    restorePath = $null
    reportPath  = $null
}

$findings = [System.Collections.Generic.List[object]]::new()
$planned = [System.Collections.Generic.List[object]]::new()
$valuesRead = [System.Collections.Generic.List[object]]::new()
$cleanupProblems = [System.Collections.Generic.List[string]]::new()
$loadedHives = [System.Collections.Generic.List[string]]::new()
$assignedPaths = [System.Collections.Generic.List[object]]::new()
$exportedKeys = [System.Collections.Generic.List[string]]::new()
$diskNumber = $null
$originalSignature = $null
$originalGuid = $null
$wasOffline = $false
$restoreDir = $null
$volumeRoot = $null
$systemHive = $null
$softwareHive = $null

# ---------------------------------------------------------------- helpers

function Invoke-Native {
    # Runs a native tool and returns its exit code, with its output as free text for a message only (never
    # parsed: it is localized). Windows PowerShell 5.1 turns redirected stderr lines into error records, which
    # $ErrorActionPreference = 'Stop' would make fatal: relaxed for this call only.
    param([scriptblock]$Command)
    $ErrorActionPreference = 'Continue'
    $output = @(& $Command 2>&1 | ForEach-Object { [string]$_ })
    return [ordered]@{ exitCode = $LASTEXITCODE; output = Limit-Text -Text ($output -join ' ') -Max 200 }
}

function Add-Finding {
    # [object], not [string]: a [string] parameter turns $null into '' and the result says "no detail" as null.
    param([string]$Check, [string]$Verdict, [object]$Detail)
    if ([string]::IsNullOrEmpty([string]$Detail)) {
        $Detail = $null
    }
    $findings.Add([ordered]@{ check = $Check; verdict = $Verdict; detail = (Limit-Text -Text $Detail -Max 160) })
}

function Add-Planned {
    param([string]$Path, [string]$Name, [object]$Before, [object]$After)
    $planned.Add([ordered]@{ path = $Path; name = $Name; before = $Before; after = $After })
}

function Get-HiveValue {
    # One value under HKLM\<loaded hive>\<SubKey>, or $null when the key or value is absent; noted for the report.
    param([string]$Hive, [string]$SubKey, [string]$Name)
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Hive + '\' + $SubKey, $false)
    if ($null -eq $key) {
        $value = $null
    }
    else {
        try {
            $value = $key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        }
        finally {
            $key.Close()
        }
    }
    $valuesRead.Add([ordered]@{ key = $SubKey; name = $Name; value = (ConvertTo-RecordValue -Value $value) })
    if ($value -is [array]) {
        # The comma keeps a REG_BINARY byte[] (or REG_MULTI_SZ) whole: a returned array is otherwise unrolled.
        return , $value
    }
    return $value
}

function Get-HiveSubKeyNames {
    param([string]$Hive, [string]$SubKey)
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Hive + '\' + $SubKey, $false)
    if ($null -eq $key) {
        return $null
    }
    try {
        # The comma keeps an empty list an empty list ($null means: no such key).
        return , @($key.GetSubKeyNames())
    }
    finally {
        $key.Close()
    }
}

function Get-RecordPath {
    # The path a change is recorded under: the hive's file name and the key inside it (the temporary load name
    # means nothing after this run).
    param([string]$Hive, [string]$SubKey)
    if ($Hive -eq $systemHive) {
        return 'SYSTEM\' + $SubKey
    }
    return 'SOFTWARE\' + $SubKey
}

function Export-KeyOnce {
    # reg export of a key before its first change; restore by loading the hive under the name in the file.
    param([string]$Hive, [string]$SubKey)
    $full = 'HKLM\' + $Hive + '\' + $SubKey
    if ($exportedKeys.Contains($full)) {
        return
    }
    $file = Join-Path $restoreDir ('{0:d2}.reg' -f ($exportedKeys.Count + 1))
    $export = Invoke-Native { reg.exe export $full $file /y }
    if ($export.exitCode -ne 0) {
        throw ('reg export of {0} failed (exit {1}): nothing changed under it' -f $SubKey, $export.exitCode)
    }
    $exportedKeys.Add($full)
}

function Set-HiveValue {
    # Reads the value, and unless DetectOnly writes it (creating the key when asked), after a .reg export of the
    # key; reads it back and records { path, name, before, after }. A value that does not read back is a failure.
    param([string]$Hive, [string]$SubKey, [string]$Name, [object]$Value, [string]$Kind, [bool]$CreateKey)
    $path = Get-RecordPath -Hive $Hive -SubKey $SubKey
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Hive + '\' + $SubKey, $false)
    $before = $null
    if ($null -ne $key) {
        try {
            $before = ConvertTo-RecordValue -Value ($key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames))
        }
        finally {
            $key.Close()
        }
    }
    elseif (-not $CreateKey) {
        throw ('registry key {0} does not exist' -f $path)
    }
    if ($DetectOnlyRun) {
        Add-Planned -Path $path -Name $Name -Before $before -After $Value
        return
    }
    if ($null -ne $key) {
        Export-KeyOnce -Hive $Hive -SubKey $SubKey
    }
    $writable = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey($Hive + '\' + $SubKey)
    try {
        $writable.SetValue($Name, $Value, [Microsoft.Win32.RegistryValueKind]$Kind)
        $after = ConvertTo-RecordValue -Value ($writable.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames))
    }
    finally {
        $writable.Close()
    }
    Add-Change -Path $path -Name $Name -Before $before -After $after
    if ([string]$after -ne [string]$Value) {
        throw ('{0}\{1} reads back {2} after writing {3}' -f $path, $Name, $after, $Value)
    }
}

function Remove-HiveValue {
    param([string]$Hive, [string]$SubKey, [string]$Name)
    $path = Get-RecordPath -Hive $Hive -SubKey $SubKey
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Hive + '\' + $SubKey, $false)
    if ($null -eq $key) {
        return
    }
    try {
        $before = ConvertTo-RecordValue -Value ($key.GetValue($Name, $null))
    }
    finally {
        $key.Close()
    }
    if ($null -eq $before) {
        return
    }
    if ($DetectOnlyRun) {
        Add-Planned -Path $path -Name $Name -Before $before -After $null
        return
    }
    Export-KeyOnce -Hive $Hive -SubKey $SubKey
    $writable = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Hive + '\' + $SubKey, $true)
    try {
        $writable.DeleteValue($Name, $false)
        $after = $writable.GetValue($Name, $null)
    }
    finally {
        $writable.Close()
    }
    Add-Change -Path $path -Name $Name -Before $before -After (ConvertTo-RecordValue -Value $after)
}

function Remove-HiveKey {
    # Deletes one certificate's key (its Blob value is the certificate) after a .reg export of the key.
    param([string]$Hive, [string]$ParentSubKey, [string]$Name, [string]$Why)
    $path = Get-RecordPath -Hive $Hive -SubKey ($ParentSubKey + '\' + $Name)
    $blob = Get-HiveValue -Hive $Hive -SubKey ($ParentSubKey + '\' + $Name) -Name 'Blob'
    $before = 'present'
    if ($null -eq $blob) {
        $before = 'present without Blob'
    }
    if ($DetectOnlyRun) {
        Add-Planned -Path $path -Name $Why -Before $before -After $null
        return
    }
    Export-KeyOnce -Hive $Hive -SubKey ($ParentSubKey + '\' + $Name)
    $parent = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($Hive + '\' + $ParentSubKey, $true)
    try {
        $parent.DeleteSubKeyTree($Name, $false)
        $left = $parent.OpenSubKey($Name, $false)
        $gone = ($null -eq $left)
        if (-not $gone) {
            $left.Close()
        }
    }
    finally {
        $parent.Close()
    }
    $after = $null
    if (-not $gone) {
        $after = 'present'
    }
    Add-Change -Path $path -Name $Why -Before $before -After $after
    if (-not $gone) {
        throw ('{0} is still there after deleting it' -f $path)
    }
}

function Get-CertificateFromBlob {
    # A system store keeps each certificate as a Blob of properties { id, reserved, length, data }; property 32
    # is the encoded certificate (the serialized-certificate format of CertSerializeCertificateStoreElement).
    param([byte[]]$Blob)
    $offset = 0
    while ($offset + 12 -le $Blob.Length) {
        $id = [System.BitConverter]::ToInt32($Blob, $offset)
        $length = [System.BitConverter]::ToInt32($Blob, $offset + 8)
        if ($length -lt 0 -or $offset + 12 + $length -gt $Blob.Length) {
            return $null
        }
        if ($id -eq $CertificateBlobPropertyId) {
            $der = New-Object byte[] $length
            [System.Array]::Copy($Blob, $offset + 12, $der, 0, $length)
            return [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($der)
        }
        $offset = $offset + 12 + $length
    }
    return $null
}

function Get-StoreCertificateState {
    # 'missing', 'unreadable', 'expired' or 'valid' for one thumbprint in an offline machine store.
    param([string]$Store, [string]$Thumbprint)
    $subKey = 'Microsoft\SystemCertificates\' + $Store + '\Certificates\' + $Thumbprint
    $blob = Get-HiveValue -Hive $softwareHive -SubKey $subKey -Name 'Blob'
    if ($null -eq $blob) {
        return 'missing'
    }
    $certificate = $null
    try {
        $certificate = Get-CertificateFromBlob -Blob ([byte[]]$blob)
    }
    catch {
        $certificate = $null
    }
    if ($null -eq $certificate) {
        return 'unreadable'
    }
    if ($certificate.NotAfter.ToUniversalTime() -lt [DateTime]::UtcNow) {
        return 'expired'
    }
    return 'valid'
}

function Get-ServiceSid {
    # A service SID is S-1-5-80- followed by the SHA-1 of the upper-case service name (UTF-16LE) read as five
    # little-endian 32-bit numbers: the same on every machine, so no name lookup (and no localized name) is needed.
    param([string]$ServiceName)
    $sha1 = [System.Security.Cryptography.SHA1]::Create()
    try {
        $hash = $sha1.ComputeHash([System.Text.Encoding]::Unicode.GetBytes($ServiceName.ToUpperInvariant()))
    }
    finally {
        $sha1.Dispose()
    }
    $parts = @()
    foreach ($index in 0..4) {
        $parts += [string][System.BitConverter]::ToUInt32($hash, $index * 4)
    }
    return 'S-1-5-80-' + ($parts -join '-')
}

function Get-KeyAccess {
    # What TermService (NETWORK SERVICE) and SessionEnv (SYSTEM) need from the RDP key container, as "SYSTEM=F;
    # NETWORK SERVICE=R" with "-" for a right that is missing or denied.
    param([string]$Path)
    $rules = @((Get-Acl -LiteralPath $Path).GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))
    $system = Get-SidFileRights -Rules $rules -Sid $SidSystem
    $network = Get-SidFileRights -Rules $rules -Sid $SidNetworkService
    $systemEffective = $system.allowed -band (-bnot $system.denied)
    $networkEffective = $network.allowed -band (-bnot $network.denied)
    $systemLetter = '-'
    if (($systemEffective -band $FullControlMask) -eq $FullControlMask) {
        $systemLetter = 'F'
    }
    $networkLetter = '-'
    if (($networkEffective -band $ReadMask) -eq $ReadMask) {
        $networkLetter = 'R'
    }
    return ('SYSTEM={0};NETWORK SERVICE={1}' -f $systemLetter, $networkLetter)
}

function Get-BcdElement {
    # The value of one BCD element ($null when absent), read through the BCD WMI provider.
    param([object]$BcdObject, [int]$Type, [string]$Property)
    try {
        $read = $BcdObject.GetElement($Type)
    }
    catch {
        # The provider reports an absent element as a failed call on some builds, as an exception on others.
        return $null
    }
    if (-not $read.ReturnValue) {
        return $null
    }
    return $read.Element.$Property
}

function Set-BcdBoolean {
    param([object]$BcdObject, [string]$Label, [int]$Type, [string]$Name)
    $before = Get-BcdElement -BcdObject $BcdObject -Type $Type -Property 'Boolean'
    if ($before -eq $true) {
        return $false
    }
    $beforeRecord = $null
    if ($null -ne $before) {
        $beforeRecord = 0
    }
    if ($DetectOnlyRun) {
        Add-Planned -Path ('BCD ' + $Label) -Name $Name -Before $beforeRecord -After 1
        return $true
    }
    $written = $BcdObject.SetBooleanElement($Type, $true)
    $after = Get-BcdElement -BcdObject $BcdObject -Type $Type -Property 'Boolean'
    $afterRecord = $null
    if ($null -ne $after) {
        $afterRecord = [int][bool]$after
    }
    Add-Change -Path ('BCD ' + $Label) -Name $Name -Before $beforeRecord -After $afterRecord
    if (-not $written.ReturnValue -or $after -ne $true) {
        throw ('BCD {0} {1} did not take' -f $Label, $Name)
    }
    return $true
}

function Set-BcdInteger {
    # Writes an integer element only where it is absent (or zero when ZeroIsUnset): a value someone chose stays.
    param([object]$BcdObject, [string]$Label, [int]$Type, [string]$Name, [long]$Value, [bool]$ZeroIsUnset)
    $raw = Get-BcdElement -BcdObject $BcdObject -Type $Type -Property 'Integer'
    $before = $null
    if ($null -ne $raw) {
        $before = [long]$raw
    }
    if ($null -ne $before -and -not ($ZeroIsUnset -and $before -eq 0)) {
        return $false
    }
    if ($DetectOnlyRun) {
        Add-Planned -Path ('BCD ' + $Label) -Name $Name -Before $before -After $Value
        return $true
    }
    $written = $BcdObject.SetIntegerElement($Type, [uint64]$Value)
    $afterRaw = Get-BcdElement -BcdObject $BcdObject -Type $Type -Property 'Integer'
    $after = $null
    if ($null -ne $afterRaw) {
        $after = [long]$afterRaw
    }
    Add-Change -Path ('BCD ' + $Label) -Name $Name -Before $before -After $after
    if (-not $written.ReturnValue -or $after -ne $Value) {
        throw ('BCD {0} {1} did not take' -f $Label, $Name)
    }
    return $true
}

function Add-TemporaryDriveLetter {
    # A letter for a partition that has none, remembered so the finally block removes it again.
    param([object]$Partition)
    $current = Get-Partition -DiskNumber $Partition.DiskNumber -PartitionNumber $Partition.PartitionNumber
    if ([string]$current.DriveLetter -match '^[A-Za-z]$') {
        return [string]$current.DriveLetter
    }
    $null = Add-PartitionAccessPath -DiskNumber $Partition.DiskNumber -PartitionNumber $Partition.PartitionNumber -AssignDriveLetter
    $letter = [string](Get-Partition -DiskNumber $Partition.DiskNumber -PartitionNumber $Partition.PartitionNumber).DriveLetter
    if ($letter -notmatch '^[A-Za-z]$') {
        throw ('no drive letter could be given to partition {0}' -f $Partition.PartitionNumber)
    }
    $assignedPaths.Add([ordered]@{ disk = $Partition.DiskNumber; partition = $Partition.PartitionNumber; path = ($letter + ':\') })
    return $letter
}

function Get-LockedVolumeIds {
    # Volume ids (\\?\Volume{...}\) that BitLocker reports locked; empty when the BitLocker WMI provider is absent
    # (no BitLocker feature on the rescue VM: then a locked volume shows as one without a file system).
    $locked = @()
    try {
        $volumes = @(Get-CimInstance -Namespace 'root\cimv2\Security\MicrosoftVolumeEncryption' -ClassName 'Win32_EncryptableVolume')
    }
    catch {
        return $locked
    }
    foreach ($volume in $volumes) {
        $status = Invoke-CimMethod -InputObject $volume -MethodName 'GetLockStatus'
        if ($status.LockStatus -eq 1) {
            $locked += [string]$volume.DeviceID
        }
    }
    return $locked
}

# ---------------------------------------------------------------- the checks (each reads, then fixes what is broken)

function Test-Tls {
    param([string[]]$ControlSets)
    $versions = @('TLS 1.2')
    if ($AllowLegacyTls -eq 'true') {
        # Only on the caller's explicit request: TLS 1.0/1.1 are deprecated and not needed by current clients.
        $versions += @('TLS 1.0', 'TLS 1.1')
    }
    $broken = @()
    foreach ($controlSet in $ControlSets) {
        foreach ($version in $versions) {
            $subKey = $controlSet + '\Control\SecurityProviders\SCHANNEL\Protocols\' + $version + '\Server'
            # Absent values leave the protocol to the OS default, which is enabled on Server 2016 and later.
            $enabled = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'Enabled'
            $disabledByDefault = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'DisabledByDefault'
            if ($null -ne $enabled -and [int]$enabled -eq 0) {
                $broken += ('{0} Enabled=0' -f $version)
                Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'Enabled' -Value 1 -Kind 'DWord' -CreateKey $true
            }
            if ($null -ne $disabledByDefault -and [int]$disabledByDefault -ne 0) {
                $broken += ('{0} DisabledByDefault={1}' -f $version, $disabledByDefault)
                Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'DisabledByDefault' -Value 0 -Kind 'DWord' -CreateKey $true
            }
        }
    }
    Add-CheckFinding -Check 'tls' -Broken $broken -Enablement $false
}

function Add-CheckFinding {
    param([string]$Check, [object[]]$Broken, [bool]$Enablement)
    if ($Broken.Count -eq 0) {
        Add-Finding -Check $Check -Verdict 'healthy' -Detail $null
    }
    elseif ($DetectOnlyRun) {
        Add-Finding -Check $Check -Verdict 'broken' -Detail ($Broken -join '; ')
    }
    elseif ($Enablement) {
        Add-Finding -Check $Check -Verdict 'enabled' -Detail ($Broken -join '; ')
    }
    else {
        Add-Finding -Check $Check -Verdict 'fixed' -Detail ($Broken -join '; ')
    }
}

function Test-RdpListener {
    param([string[]]$ControlSets)
    # Valid ranges (Microsoft docs, Terminal Services WinStation settings): SecurityLayer 0 RDP, 1 Negotiate,
    # 2 TLS; UserAuthentication 0/1 (NLA); MinEncryptionLevel 1 Low .. 4 FIPS. Only a missing or out-of-range
    # value is replaced, with the article's NLA values: a valid stricter one (SecurityLayer=2) is never lowered.
    $rules = @(
        @{ name = 'PortNumber'; min = 1; max = 65535; repair = 3389 },
        @{ name = 'SecurityLayer'; min = 0; max = 2; repair = 1 },
        @{ name = 'UserAuthentication'; min = 0; max = 1; repair = 1 },
        @{ name = 'fAllowSecProtocolNegotiation'; min = 0; max = 1; repair = 1 },
        @{ name = 'MinEncryptionLevel'; min = 1; max = 4; repair = 2 }
    )
    $broken = @()
    $missingKey = $false
    foreach ($controlSet in $ControlSets) {
        $subKey = $controlSet + '\Control\Terminal Server\WinStations\RDP-Tcp'
        if ($null -eq (Get-HiveSubKeyNames -Hive $systemHive -SubKey $subKey)) {
            $missingKey = $true
            continue
        }
        foreach ($rule in $rules) {
            $value = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name $rule.name
            $valid = ($value -is [int]) -and ([int]$value -ge $rule.min) -and ([int]$value -le $rule.max)
            if (-not $valid) {
                $broken += ('{0}={1}' -f $rule.name, (ConvertTo-RecordValue -Value $value))
                Set-HiveValue -Hive $systemHive -SubKey $subKey -Name $rule.name -Value $rule.repair -Kind 'DWord' -CreateKey $false
            }
        }
    }
    if ($missingKey) {
        # Recreating a whole listener key from nothing is beyond a safe edit: a person must look.
        Add-Finding -Check 'rdp-listener' -Verdict 'broken' -Detail 'the RDP-Tcp key is missing; not recreated'
        return
    }
    Add-CheckFinding -Check 'rdp-listener' -Broken $broken -Enablement $false
}

function Test-CertificatePin {
    param([string[]]$ControlSets)
    $broken = @()
    foreach ($controlSet in $ControlSets) {
        $subKey = $controlSet + '\Control\Terminal Server\WinStations\RDP-Tcp'
        $pin = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'SSLCertificateSHA1Hash'
        if ($null -eq $pin -or -not ($pin -is [byte[]])) {
            continue
        }
        $thumbprint = [System.BitConverter]::ToString([byte[]]$pin).Replace('-', '')
        $state = Get-StoreCertificateState -Store 'My' -Thumbprint $thumbprint
        if ($state -ne 'valid') {
            # Without the pin, Windows falls back to its self-signed certificate.
            $broken += ('pinned {0} is {1}' -f $thumbprint.Substring(0, 8), $state)
            Remove-HiveValue -Hive $systemHive -SubKey $subKey -Name 'SSLCertificateSHA1Hash'
        }
    }
    Add-CheckFinding -Check 'rdp-certificate-pin' -Broken $broken -Enablement $false
}

function Test-DenyConnections {
    param([string[]]$ControlSets)
    $broken = @()
    foreach ($controlSet in $ControlSets) {
        $subKey = $controlSet + '\Control\Terminal Server'
        $deny = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'fDenyTSConnections'
        if ($null -ne $deny -and [int]$deny -ne 0) {
            $broken += ('fDenyTSConnections={0}' -f $deny)
            Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'fDenyTSConnections' -Value 0 -Kind 'DWord' -CreateKey $false
        }
    }
    $policyKey = 'Policies\Microsoft\Windows NT\Terminal Services'
    $policy = Get-HiveValue -Hive $softwareHive -SubKey $policyKey -Name 'fDenyTSConnections'
    if ($null -ne $policy -and [int]$policy -ne 0) {
        # A domain policy writes this again at its next refresh: the report says so.
        $broken += ('policy fDenyTSConnections={0} (a domain GPO may set it again)' -f $policy)
        Set-HiveValue -Hive $softwareHive -SubKey $policyKey -Name 'fDenyTSConnections' -Value 0 -Kind 'DWord' -CreateKey $false
    }
    Add-CheckFinding -Check 'deny-ts-connections' -Broken $broken -Enablement $false
}

function Test-ServiceStarts {
    param([string[]]$ControlSets)
    # Start: 2 automatic, 3 manual (demand), 4 disabled. The RDP services ship as manual and are trigger-started
    # while RDP is enabled; the guest agent services ship automatic, and the online channel needs them.
    $rules = @(
        @{ name = 'TermService'; allowed = @(2, 3); repair = 3 },
        @{ name = 'SessionEnv'; allowed = @(2, 3); repair = 3 },
        @{ name = 'UmRdpService'; allowed = @(2, 3); repair = 3 },
        @{ name = 'WindowsAzureGuestAgent'; allowed = @(2); repair = 2 },
        @{ name = 'RdAgent'; allowed = @(2); repair = 2 }
    )
    $broken = @()
    $notInstalled = @()
    foreach ($controlSet in $ControlSets) {
        foreach ($rule in $rules) {
            $subKey = $controlSet + '\Services\' + $rule.name
            $start = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'Start'
            if ($null -eq $start) {
                $notInstalled += $rule.name
                continue
            }
            if ($rule.allowed -notcontains [int]$start) {
                $broken += ('{0} Start={1}' -f $rule.name, $start)
                Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'Start' -Value $rule.repair -Kind 'DWord' -CreateKey $false
            }
        }
    }
    if ($notInstalled.Count -gt 0) {
        # A service cannot be installed offline: named, left to a person (or to the agent's reinstall).
        Add-Finding -Check 'services' -Verdict 'broken' -Detail ('not installed: ' + (($notInstalled | Sort-Object -Unique) -join ', ') + '; ' + ($broken -join '; '))
        return
    }
    Add-CheckFinding -Check 'services' -Broken $broken -Enablement $false
}

function Test-RdpCertificate {
    param([string]$MachineKeysDirectory)
    $storeKey = 'Microsoft\SystemCertificates\Remote Desktop\Certificates'
    $thumbprints = Get-HiveSubKeyNames -Hive $softwareHive -SubKey $storeKey
    if ($null -eq $thumbprints -or $thumbprints.Count -eq 0) {
        # An empty store is what Windows fills at boot: nothing to do.
        Add-Finding -Check 'rdp-certificate' -Verdict 'healthy' -Detail 'no self-signed RDP certificate'
        return
    }
    $machineGuid = Get-HiveValue -Hive $softwareHive -SubKey 'Microsoft\Cryptography' -Name 'MachineGuid'
    $keyUsable = $false
    if ($null -ne $machineGuid) {
        $keyFile = Join-Path $MachineKeysDirectory ($RdpKeyPrefix + [string]$machineGuid)
        $keyUsable = (Test-Path -LiteralPath $keyFile -PathType Leaf) -and ((Get-Item -LiteralPath $keyFile).Length -gt 0)
    }
    $broken = @()
    foreach ($thumbprint in $thumbprints) {
        $state = Get-StoreCertificateState -Store 'Remote Desktop' -Thumbprint $thumbprint
        $why = $null
        if ($state -ne 'valid') {
            $why = $state
        }
        elseif (-not $keyUsable) {
            $why = 'key container missing or empty'
        }
        if ($null -ne $why) {
            $broken += ('{0} {1}' -f $thumbprint.Substring(0, [Math]::Min(8, $thumbprint.Length)), $why)
            Remove-HiveKey -Hive $softwareHive -ParentSubKey $storeKey -Name $thumbprint -Why 'Certificate'
        }
    }
    Add-CheckFinding -Check 'rdp-certificate' -Broken $broken -Enablement $false
}

function Test-MachineKeys {
    param([string]$MachineKeysDirectory, [object]$Build)
    if (-not (Test-Path -LiteralPath $MachineKeysDirectory -PathType Container)) {
        Add-Finding -Check 'machinekeys-acl' -Verdict 'not-checked' -Detail 'MachineKeys folder not found'
        return
    }
    try {
        $keyFiles = @(Get-ChildItem -LiteralPath $MachineKeysDirectory -Filter $RdpKeyFilter -File -Force)
    }
    catch {
        # A folder that refuses listing is itself a finding, never "no container".
        Add-Finding -Check 'machinekeys-acl' -Verdict 'broken' -Detail ('MachineKeys cannot be listed: ' + $_.Exception.Message)
        return
    }
    if ($keyFiles.Count -eq 0) {
        Add-Finding -Check 'machinekeys-acl' -Verdict 'healthy' -Detail 'no RDP key container (Windows creates one)'
        return
    }
    # The build's own entries (field measurements of marketplace images): SYSTEM Full and NETWORK SERVICE Read
    # everywhere, plus Administrators Read up to 14393, or NT SERVICE\SessionEnv Full from 17763 on; a build in
    # between or unknown gets only the two every build has.
    $grants = @('*' + $SidSystem + ':(F)', '*' + $SidNetworkService + ':(R)')
    if ($null -ne $Build -and [int]$Build -le 14393) {
        $grants += ('*' + $SidAdministrators + ':(R)')
    }
    elseif ($null -ne $Build -and [int]$Build -ge 17763) {
        $grants += ('*' + (Get-ServiceSid -ServiceName 'SessionEnv') + ':(F)')
    }
    $needing = @()
    $broken = @()
    foreach ($keyFile in $keyFiles) {
        $access = Get-KeyAccess -Path $keyFile.FullName
        $valuesRead.Add([ordered]@{ key = $keyFile.Name; name = 'ACL'; value = $access })
        if ($access -ne 'SYSTEM=F;NETWORK SERVICE=R') {
            $needing += $keyFile
            $broken += ('{0} {1}' -f $keyFile.Name.Substring(0, 8), $access)
        }
    }
    if ($needing.Count -eq 0) {
        Add-Finding -Check 'machinekeys-acl' -Verdict 'healthy' -Detail $null
        return
    }
    $relative = $MachineKeysDirectory.Substring(2)
    if ($DetectOnlyRun) {
        foreach ($keyFile in $needing) {
            Add-Planned -Path (Join-Path $relative $keyFile.Name) -Name 'ACL' -Before (Get-KeyAccess -Path $keyFile.FullName) -After ($grants -join ' ')
        }
        Add-Finding -Check 'machinekeys-acl' -Verdict 'broken' -Detail ($broken -join '; ')
        return
    }
    # The backup goes into the folder this script created on the offline volume (erratum 7).
    $aclBackupPath = Join-Path $restoreDir 'machinekeys.acl'
    $keyPattern = Join-Path $MachineKeysDirectory $RdpKeyFilter
    $save = Invoke-Native { icacls.exe $keyPattern /save $aclBackupPath /c }
    if ($save.exitCode -ne 0 -or -not (Test-Path -LiteralPath $aclBackupPath)) {
        Add-Finding -Check 'machinekeys-acl' -Verdict 'failed' -Detail ('icacls /save failed, ACLs left as they are: ' + $save.output)
        return
    }
    $stillBroken = @()
    foreach ($keyFile in $needing) {
        $keyPath = $keyFile.FullName
        $before = Get-KeyAccess -Path $keyPath
        $grant = Invoke-Native { icacls.exe $keyPath /grant $grants }
        $after = Get-KeyAccess -Path $keyPath
        Add-Change -Path (Join-Path $relative $keyFile.Name) -Name 'ACL' -Before $before -After $after
        if ($grant.exitCode -ne 0 -or $after -ne 'SYSTEM=F;NETWORK SERVICE=R') {
            # A deny entry outranks the grant; removing it is not add-only, so it is left to a person.
            $stillBroken += ('{0} {1}' -f $keyFile.Name.Substring(0, 8), $after)
        }
    }
    if ($stillBroken.Count -gt 0) {
        Add-Finding -Check 'machinekeys-acl' -Verdict 'failed' -Detail ('still denied or missing: ' + ($stillBroken -join '; '))
        return
    }
    Add-Finding -Check 'machinekeys-acl' -Verdict 'fixed' -Detail ($broken -join '; ')
}

function Test-CrashDump {
    param([string[]]$ControlSets)
    # The article's values (playbook section 3), written only where dumps are off or the value is absent:
    # CrashDumpEnabled 1 (complete), DumpFile %SystemRoot%\MEMORY.DMP, NMICrashDump 1.
    $enabledNow = @()
    foreach ($controlSet in $ControlSets) {
        $subKey = $controlSet + '\Control\CrashControl'
        $dump = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'CrashDumpEnabled'
        if ($null -eq $dump -or [int]$dump -eq 0) {
            $enabledNow += ('CrashDumpEnabled={0}' -f (ConvertTo-RecordValue -Value $dump))
            Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'CrashDumpEnabled' -Value 1 -Kind 'DWord' -CreateKey $true
        }
        $file = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'DumpFile'
        if ($null -eq $file -or [string]$file -eq '') {
            $enabledNow += 'DumpFile absent'
            Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'DumpFile' -Value '%SystemRoot%\MEMORY.DMP' -Kind 'ExpandString' -CreateKey $true
        }
        $nmi = Get-HiveValue -Hive $systemHive -SubKey $subKey -Name 'NMICrashDump'
        if ($null -eq $nmi -or [int]$nmi -eq 0) {
            $enabledNow += ('NMICrashDump={0}' -f (ConvertTo-RecordValue -Value $nmi))
            Set-HiveValue -Hive $systemHive -SubKey $subKey -Name 'NMICrashDump' -Value 1 -Kind 'DWord' -CreateKey $true
        }
    }
    Add-CheckFinding -Check 'crash-dump' -Broken $enabledNow -Enablement $true
}

function Test-BootEms {
    param([string]$StorePath)
    if (-not (Test-Path -LiteralPath $StorePath -PathType Leaf)) {
        Add-Finding -Check 'boot-ems' -Verdict 'not-checked' -Detail 'no BCD store on the disk'
        return
    }
    if (-not $DetectOnlyRun) {
        # Copied before the provider opens it (an open store is a loaded hive, which cannot be copied).
        [System.IO.File]::Copy($StorePath, (Join-Path $restoreDir 'BCD.backup'), $true)
    }
    $bcdClass = [wmiclass]'\\.\root\WMI:BcdStore'
    $opened = $bcdClass.OpenStore($StorePath)
    if (-not $opened.ReturnValue) {
        Add-Finding -Check 'boot-ems' -Verdict 'not-checked' -Detail 'the BCD store does not open'
        return
    }
    $store = $opened.Store
    $bootmgr = $store.OpenObject($BcdBootMgrId)
    if (-not $bootmgr.ReturnValue) {
        Add-Finding -Check 'boot-ems' -Verdict 'not-checked' -Detail 'no {bootmgr} in the BCD store'
        return
    }
    $manager = $bootmgr.Object
    $enabledNow = @()
    if (Set-BcdBoolean -BcdObject $manager -Label '{bootmgr}' -Type $BcdDisplayBootMenu -Name 'displaybootmenu') {
        $enabledNow += 'displaybootmenu'
    }
    if (Set-BcdInteger -BcdObject $manager -Label '{bootmgr}' -Type $BcdTimeout -Name 'timeout' -Value 5 -ZeroIsUnset $true) {
        $enabledNow += 'timeout'
    }
    if (Set-BcdBoolean -BcdObject $manager -Label '{bootmgr}' -Type $BcdLibraryEmsEnabled -Name 'bootems') {
        $enabledNow += 'bootems'
    }
    $defaultId = Get-BcdElement -BcdObject $manager -Type $BcdDefaultObject -Property 'Id'
    if ($null -eq $defaultId) {
        Add-Finding -Check 'boot-ems' -Verdict 'not-checked' -Detail 'no {default} boot loader in the BCD store'
        return
    }
    $loader = $store.OpenObject([string]$defaultId)
    if ($loader.ReturnValue -and (Set-BcdBoolean -BcdObject $loader.Object -Label '{default}' -Type $BcdLoaderEmsEnabled -Name 'ems')) {
        $enabledNow += 'ems'
    }
    $ems = $store.OpenObject($BcdEmsSettingsId)
    if ($ems.ReturnValue) {
        if (Set-BcdInteger -BcdObject $ems.Object -Label '{emssettings}' -Type $BcdEmsPort -Name 'emsport' -Value 1 -ZeroIsUnset $false) {
            $enabledNow += 'emsport'
        }
        if (Set-BcdInteger -BcdObject $ems.Object -Label '{emssettings}' -Type $BcdEmsBaudRate -Name 'emsbaudrate' -Value 115200 -ZeroIsUnset $false) {
            $enabledNow += 'emsbaudrate'
        }
    }
    Add-CheckFinding -Check 'boot-ems' -Broken $enabledNow -Enablement $true
}

function Invoke-Check {
    # One check in isolation: a write that fails half-way makes that check 'failed' (its before-values are in
    # the changes and its keys in the .reg exports) and the other checks still run; the run is then not ok, so
    # the copy is never swapped in as it is.
    param([string]$Check, [scriptblock]$Body)
    $recordedBefore = $findings.Count
    try {
        & $Body
    }
    catch {
        while ($findings.Count -gt $recordedBefore) {
            $findings.RemoveAt($findings.Count - 1)
        }
        Add-Finding -Check $Check -Verdict 'failed' -Detail ('stopped: ' + $_.Exception.Message)
    }
}

# ---------------------------------------------------------------- the run

try {
    # Run Command reads stdout in the console's code page: a localized message must not garble the result line.
    try {
        [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)
    }
    catch {
        $valuesRead.Add([ordered]@{ key = 'console'; name = 'OutputEncoding'; value = 'unchanged (no console)' })
    }

    # 1. The disk at the LUN, of the expected size, that is not the rescue VM's own system or boot disk.
    $candidates = @()
    # A disk without a SCSI address (NVMe) never matches: [int]$null would be LUN 0.
    foreach ($drive in @(Get-CimInstance -ClassName 'Win32_DiskDrive' | Where-Object { $null -ne $_.SCSILogicalUnit -and [int]$_.SCSILogicalUnit -eq $Lun })) {
        $candidate = Get-Disk -Number ([int]$drive.Index)
        if ($candidate.IsBoot -or $candidate.IsSystem) {
            continue
        }
        $candidates += $candidate
    }
    $sized = @($candidates | Where-Object { [Math]::Round($_.Size / $OneGiB) -eq $DiskSizeGiB })
    if ($sized.Count -ne 1) {
        $seen = ($candidates | ForEach-Object { 'disk {0} ({1} GiB)' -f $_.Number, [Math]::Round($_.Size / $OneGiB) }) -join ', '
        throw ('expected one {0} GiB disk at LUN {1}, found {2}: {3}' -f $DiskSizeGiB, $Lun, $sized.Count, $seen)
    }
    $disk = $sized[0]
    $diskNumber = [int]$disk.Number
    $result.disk.number = $diskNumber
    $style = [string]$disk.PartitionStyle
    if ($style -ne 'MBR' -and $style -ne 'GPT') {
        throw ('disk {0} has partition style {1}: not a Windows OS disk' -f $diskNumber, $style)
    }
    $result.disk.partitionStyle = $style
    $expectedStyle = 'MBR'
    if ($Generation -eq 2) {
        $expectedStyle = 'GPT'
    }
    if ($style -ne $expectedStyle) {
        throw ('disk {0} is {1}, a generation {2} VM boots from {3}: wrong disk or wrong generation' -f $diskNumber, $style, $Generation, $expectedStyle)
    }

    # 2. A signature collision (erratum 13): a temporary signature now, the original back in the finally block.
    $others = @(Get-Disk | Where-Object { $_.Number -ne $diskNumber })
    if ($style -eq 'MBR') {
        $collides = @($others | Where-Object { $_.Signature -eq $disk.Signature -and [long]$disk.Signature -ne 0 })
    }
    else {
        $collides = @($others | Where-Object { [string]$_.Guid -eq [string]$disk.Guid })
    }
    $wasOffline = [bool]$disk.IsOffline
    if ($collides.Count -gt 0) {
        $result.disk.signatureCollision = $true
        if ($style -eq 'MBR') {
            $originalSignature = [uint32]$disk.Signature
            $taken = @(Get-Disk | ForEach-Object { [long]$_.Signature })
            $random = [System.Random]::new()
            $temporary = [uint32]$random.Next(1, [int]::MaxValue)
            while ($taken -contains [long]$temporary) {
                $temporary = [uint32]$random.Next(1, [int]::MaxValue)
            }
        }
        else {
            $originalGuid = [string]$disk.Guid
        }
        $result.disk.signatureRestored = $false
        try {
            if ($style -eq 'MBR') {
                Set-Disk -Number $diskNumber -Signature $temporary
            }
            else {
                Set-Disk -Number $diskNumber -Guid ([guid]::NewGuid().ToString('B'))
            }
        }
        catch {
            # Some builds refuse a new identity on an offline disk; bringing it online then gives it one
            # (Windows resolves the collision itself). Either way the original goes back in the finally block.
            $valuesRead.Add([ordered]@{ key = 'disk'; name = 'temporary signature'; value = 'left to Windows: ' + (Limit-Text -Text $_.Exception.Message -Max 100) })
        }
    }
    if ([bool](Get-Disk -Number $diskNumber).IsOffline) {
        Set-Disk -Number $diskNumber -IsOffline $false
    }
    if ([bool](Get-Disk -Number $diskNumber).IsReadOnly) {
        Set-Disk -Number $diskNumber -IsReadOnly $false
    }
    $disk = Get-Disk -Number $diskNumber
    if ($disk.IsOffline -or $disk.IsReadOnly) {
        throw ('disk {0} stays offline or read-only' -f $diskNumber)
    }

    # 3. The Windows volume: the one partition holding \Windows\System32\config\SYSTEM; a locked one stops here.
    $lockedIds = @(Get-LockedVolumeIds)
    $windowsVolumes = @()
    $unreadable = @()
    $partitions = @(Get-Partition -DiskNumber $diskNumber)
    foreach ($partition in $partitions) {
        if ([string]$partition.GptType -eq $EfiPartitionType) {
            continue
        }
        $volume = Get-Volume -Partition $partition -ErrorAction SilentlyContinue
        if ($null -eq $volume) {
            continue
        }
        if ($lockedIds -contains [string]$volume.Path) {
            $unreadable += ('partition {0} is BitLocker-locked' -f $partition.PartitionNumber)
            continue
        }
        if ([string]$volume.FileSystem -notin @('NTFS', 'ReFS', 'FAT32', 'FAT')) {
            # A basic data partition without a readable file system: locked without the BitLocker provider, or damaged.
            if ($partition.Size -gt $OneGiB) {
                $unreadable += ('partition {0} has no readable file system (BitLocker-locked or damaged)' -f $partition.PartitionNumber)
            }
            continue
        }
        $letter = Add-TemporaryDriveLetter -Partition $partition
        if (Test-Path -LiteralPath ($letter + ':\Windows\System32\config\SYSTEM') -PathType Leaf) {
            $windowsVolumes += [ordered]@{ partition = $partition; letter = $letter }
        }
    }
    if ($unreadable.Count -gt 0) {
        throw ('cannot repair: ' + ($unreadable -join '; ') + '; an encrypted disk needs its key first')
    }
    if ($windowsVolumes.Count -ne 1) {
        $where = ($windowsVolumes | ForEach-Object { 'partition ' + $_.partition.PartitionNumber }) -join ', '
        throw ('expected one Windows installation on disk {0}, found {1} {2}' -f $diskNumber, $windowsVolumes.Count, $where)
    }
    $volumeRoot = $windowsVolumes[0].letter + ':\'

    # 4. The BCD store of the disk itself: Gen1 on the active partition, Gen2 on the EFI system partition.
    if ($Generation -eq 2) {
        $systemPartitions = @($partitions | Where-Object { [string]$_.GptType -eq $EfiPartitionType })
        $storeRelative = 'EFI\Microsoft\Boot\BCD'
    }
    else {
        $systemPartitions = @($partitions | Where-Object { $_.IsActive })
        $storeRelative = 'Boot\BCD'
    }
    $bcdPath = $null
    if ($systemPartitions.Count -eq 1) {
        $systemLetter = Add-TemporaryDriveLetter -Partition $systemPartitions[0]
        $bcdPath = Join-Path ($systemLetter + ':\') $storeRelative
    }

    # 5. The restore folder on the offline volume (the report goes there even in DetectOnly runs).
    $restoreDir = Join-Path $volumeRoot ('rdp-autorepair\' + $RunId)
    $null = [System.IO.Directory]::CreateDirectory($restoreDir)
    $result.restorePath = '\rdp-autorepair\' + $RunId
    $result.reportPath = '\rdp-autorepair\' + $RunId + '\report.json'

    # 6. The hives, under names no other run uses.
    $hiveTag = 'RDPAR-' + $RunId + '-' + $PID
    $configDirectory = Join-Path $volumeRoot 'Windows\System32\config'
    foreach ($hiveFile in @('SYSTEM', 'SOFTWARE')) {
        $hiveName = $hiveTag + '-' + $hiveFile
        $hivePath = Join-Path $configDirectory $hiveFile
        $load = Invoke-Native { reg.exe load ('HKLM\' + $hiveName) $hivePath }
        if ($load.exitCode -ne 0) {
            throw ('reg load of {0} failed (exit {1}): {2}' -f $hiveFile, $load.exitCode, $load.output)
        }
        $loadedHives.Add($hiveName)
    }
    $systemHive = $hiveTag + '-SYSTEM'
    $softwareHive = $hiveTag + '-SOFTWARE'

    # 7. The control sets Select names (erratum 3), and the build.
    $controlSets = @()
    foreach ($selector in @('Current', 'Default')) {
        $number = Get-HiveValue -Hive $systemHive -SubKey 'Select' -Name $selector
        if ($null -eq $number) {
            continue
        }
        $name = 'ControlSet{0:d3}' -f [int]$number
        if ($controlSets -notcontains $name -and $null -ne (Get-HiveSubKeyNames -Hive $systemHive -SubKey $name)) {
            $controlSets += $name
        }
    }
    if ($controlSets.Count -eq 0) {
        throw 'the SYSTEM hive names no existing control set in Select\Current'
    }
    $result.windows.controlSets = $controlSets
    $buildText = Get-HiveValue -Hive $softwareHive -SubKey 'Microsoft\Windows NT\CurrentVersion' -Name 'CurrentBuildNumber'
    $build = $null
    $parsedBuild = 0
    if ($null -ne $buildText -and [int]::TryParse([string]$buildText, [ref]$parsedBuild)) {
        $build = $parsedBuild
    }
    $result.windows.build = $build

    # 8. The checks, in the article's order; each reads, then writes only what is broken.
    $machineKeysDirectory = Join-Path $volumeRoot 'ProgramData\Microsoft\Crypto\RSA\MachineKeys'
    Invoke-Check -Check 'tls' -Body { Test-Tls -ControlSets $controlSets }
    Invoke-Check -Check 'rdp-listener' -Body { Test-RdpListener -ControlSets $controlSets }
    Invoke-Check -Check 'rdp-certificate-pin' -Body { Test-CertificatePin -ControlSets $controlSets }
    Invoke-Check -Check 'deny-ts-connections' -Body { Test-DenyConnections -ControlSets $controlSets }
    Invoke-Check -Check 'services' -Body { Test-ServiceStarts -ControlSets $controlSets }
    Invoke-Check -Check 'rdp-certificate' -Body { Test-RdpCertificate -MachineKeysDirectory $machineKeysDirectory }
    Invoke-Check -Check 'machinekeys-acl' -Body { Test-MachineKeys -MachineKeysDirectory $machineKeysDirectory -Build $build }
    Invoke-Check -Check 'crash-dump' -Body { Test-CrashDump -ControlSets $controlSets }
    if ($null -eq $bcdPath) {
        Add-Finding -Check 'boot-ems' -Verdict 'not-checked' -Detail ('expected one system partition, found {0}' -f $systemPartitions.Count)
    }
    else {
        Invoke-Check -Check 'boot-ems' -Body { Test-BootEms -StorePath $bcdPath }
    }

    $failedChecks = @($findings | Where-Object { $_.verdict -eq 'failed' })
    $result.ok = ($failedChecks.Count -eq 0)
    if ($DetectOnlyRun) {
        $result.message = 'detect only: nothing changed on the disk but the report'
    }
    elseif ($changes.Count -eq 0) {
        $result.message = 'every check healthy: nothing changed'
    }
    else {
        $result.message = ('{0} value(s) changed; the restore folder holds the .reg exports, ACL and BCD backups' -f $changes.Count)
    }
    if (-not $result.ok) {
        $result.message = 'some writes did not take: ' + (($failedChecks | ForEach-Object { $_.check }) -join ', ')
    }
}
catch {
    $result.ok = $false
    $result.message = Limit-Text -Text ('offline-repair failed: ' + $_.Exception.Message) -Max 400
}
finally {
    # The full report, while the volume still has its letter.
    if ($null -ne $restoreDir) {
        try {
            $report = [ordered]@{ result = $result; findings = $findings.ToArray(); changes = $changes.ToArray(); planned = $planned.ToArray(); read = $valuesRead.ToArray(); exportedKeys = $exportedKeys.ToArray() }
            [System.IO.File]::WriteAllText((Join-Path $restoreDir 'report.json'), ($report | ConvertTo-Json -Depth 6), [System.Text.UTF8Encoding]::new($false))
        }
        catch {
            $cleanupProblems.Add('report not written: ' + $_.Exception.Message)
        }
    }
    # No hive may stay loaded: registry handles are released by the garbage collector, so collect, then retry.
    foreach ($hiveName in @($loadedHives)) {
        $unloaded = $false
        foreach ($attempt in 1..5) {
            [System.GC]::Collect()
            [System.GC]::WaitForPendingFinalizers()
            $unload = Invoke-Native { reg.exe unload ('HKLM\' + $hiveName) }
            if ($unload.exitCode -eq 0) {
                $unloaded = $true
                break
            }
            Start-Sleep -Seconds 2
        }
        if (-not $unloaded) {
            $cleanupProblems.Add('hive HKLM\' + $hiveName + ' is still loaded')
        }
    }
    foreach ($assigned in @($assignedPaths)) {
        try {
            Remove-PartitionAccessPath -DiskNumber $assigned.disk -PartitionNumber $assigned.partition -AccessPath $assigned.path
        }
        catch {
            $cleanupProblems.Add('drive letter ' + $assigned.path + ' not removed')
        }
    }
    if ($null -ne $diskNumber -and ($null -ne $originalSignature -or $null -ne $originalGuid)) {
        try {
            if ($null -ne $originalSignature) {
                Set-Disk -Number $diskNumber -Signature $originalSignature
                $result.disk.signatureRestored = ([uint32](Get-Disk -Number $diskNumber).Signature -eq $originalSignature)
            }
            else {
                Set-Disk -Number $diskNumber -Guid $originalGuid
                $result.disk.signatureRestored = ([string](Get-Disk -Number $diskNumber).Guid -eq $originalGuid)
            }
        }
        catch {
            $result.disk.signatureRestored = $false
        }
        if (-not $result.disk.signatureRestored) {
            $cleanupProblems.Add('the original disk signature is NOT back: a Gen1 disk may not boot')
        }
    }
    if ($null -ne $diskNumber -and $wasOffline) {
        try {
            Set-Disk -Number $diskNumber -IsOffline $true
        }
        catch {
            $cleanupProblems.Add('disk not set offline again')
        }
    }
    if ($cleanupProblems.Count -gt 0) {
        $result.ok = $false
        $result.message = Limit-Text -Text ($result.message + '; cleanup: ' + ($cleanupProblems -join '; ')) -Max 600
    }
}

# The line stays under 3 KB by serialized bytes: the changes this line cannot carry are counted, the report has them.
$result.findings = $findings.ToArray()
$lineChanges = [System.Collections.Generic.List[object]]::new($changes)
$linePlanned = [System.Collections.Generic.List[object]]::new($planned)
$result.changes = $lineChanges.ToArray()
$result.planned = $linePlanned.ToArray()
# Measured on the line as written: ConvertTo-AsciiJson escapes non-ASCII, and PS 5.1 escapes ' < > & (6 bytes each).
while ((ConvertTo-AsciiJson -Value $result).Length -gt $ResultByteLimit -and ($lineChanges.Count + $linePlanned.Count) -gt 0) {
    if ($linePlanned.Count -gt 0) {
        $linePlanned.RemoveAt($linePlanned.Count - 1)
    }
    else {
        $lineChanges.RemoveAt($lineChanges.Count - 1)
    }
    $result.omitted = $result.omitted + 1
    $result.changes = $lineChanges.ToArray()
    $result.planned = $linePlanned.ToArray()
}
# The shared writer escapes non-ASCII characters (a localized exception message), so no code page can garble the line.
Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
