<#
.SYNOPSIS
    rdp-autorepair: repair access to the RDP key container and make Windows issue a new RDP certificate.
.DESCRIPTION
    Playbook step 2. In order:
      1. read the build: a healthy RDP key container carries SYSTEM (F), NETWORK SERVICE (R) and, up to build
         14393, BUILTIN\Administrators (R), from 17763 on NT SERVICE\SessionEnv (F) instead (measured on
         marketplace images, see src/simulator/guest/windowsBuilds.ts [M]); an unreadable build changes nothing;
      2. list the RDP key container files (f686aace*); a MachineKeys folder that refuses listing changes nothing;
      3. save their ACLs (icacls /save) into BackupDirectory, creating it, then add this build's entries on those
         files only;
      4. when the Remote Desktop certificate's key still does not open, move the container file(s) into
         BackupDirectory (recorded), so Windows can create a new key of that name;
      5. remove the certificate(s) from Cert:\LocalMachine\Remote Desktop, and an SSLCertificateSHA1Hash pin
         that names a certificate no longer present or expired;
      6. restart SessionEnv, then TermService: Windows issues a new self-signed certificate;
      7. verify that a new certificate exists and its private key (RSA or ECDSA) can be used.
    Why only the f686aace* files (PLAYBOOK errata 9): the RDP self-signed certificate's key lives in the
    container whose file name starts with f686aace. The article's "takeown /a /r" plus "icacls /t" over the
    whole MachineKeys folder rewrites the owner and ACL of every machine key on the server (IIS, SQL Server,
    other services' keys), which cannot be undone without the backup and can break those services. Grants are
    add-only (/grant, not /grant:r, no /reset): entries other tools or admins put there stay untouched; an entry
    no build ships (Administrators full control) is never added.
    Runs through Azure Run Command as LocalSystem (Windows PowerShell 5.1). The LAST stdout line is the result
    marker followed by compact JSON (RenewCertificateResult in src/guest/scriptContracts.ts).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidatePattern('^(?=.{4,203}$)[A-Za-z]:(\\[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$')]
    [string]$BackupDirectory
)

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

Set-Utf8Output

$RdpTcpPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$RdpCertificateStore = 'Cert:\LocalMachine\Remote Desktop'
$PersonalCertificateStore = 'Cert:\LocalMachine\My'
$RdpKeyFilter = 'f686aace*'
# $SidSystem, $SidNetworkService, $SidAdministrators, $SidSessionEnv, $FullControlMask, $ReadMask and
# $MachineKeysDirectory: see common-read.ps1.
# At most this many per-file ACL records in the result: the result line must stay under 4 KB.
$MaxRecordedKeyFiles = 4
$StopTimeoutSeconds = 30
$StartTimeoutSeconds = 45
$NewCertificateTimeoutSeconds = 40

$result = [ordered]@{
    script            = 'renew-certificate'
    ok                = $false
    message           = ''
    changes           = @()
    actions           = @()
    removedThumbprint = $null
    aclBackupPath     = $null
}

function Invoke-Native {
    # Runs a native tool and returns its exit code and output. Windows PowerShell 5.1 turns redirected stderr
    # lines into error records, which $ErrorActionPreference = 'Stop' would make fatal: relax it for this call
    # only (the assignment is local to this function's scope) and judge the tool by its exit code.
    param([scriptblock]$Command)
    $ErrorActionPreference = 'Continue'
    $output = @(& $Command 2>&1 | ForEach-Object { [string]$_ })
    return [ordered]@{ exitCode = $LASTEXITCODE; output = Limit-Text -Text ($output -join ' ') -Max 200 }
}

function Get-GrantLetter {
    # "F", "R" or "-" for one SID on one file, from the effective allow/deny entries.
    param([object[]]$Rules, [string]$Sid)
    $rights = Get-SidFileRights -Rules $Rules -Sid $Sid
    $effective = $rights.allowed -band (-bnot $rights.denied)
    if (($effective -band $FullControlMask) -eq $FullControlMask) {
        return 'F'
    }
    if (($effective -band $ReadMask) -eq $ReadMask) {
        return 'R'
    }
    return '-'
}

function Get-KeyAccessSummary {
    # A short, comparable record of what the three principals of this build's set can do on a key file; the
    # complete ACL is in the icacls backup.
    param([string]$Path, [bool]$LegacyEntry)
    try {
        $rules = Get-FileAccessRules -Path $Path
    }
    catch {
        return 'unreadable'
    }
    if ($LegacyEntry) {
        $third = 'Administrators=' + (Get-GrantLetter -Rules $rules -Sid $SidAdministrators)
    }
    else {
        $third = 'SessionEnv=' + (Get-GrantLetter -Rules $rules -Sid $SidSessionEnv)
    }
    return 'SYSTEM={0};NETWORK SERVICE={1};{2}' -f (Get-GrantLetter -Rules $rules -Sid $SidSystem), (Get-GrantLetter -Rules $rules -Sid $SidNetworkService), $third
}

function Get-RdpCertificates {
    if (-not (Test-Path -LiteralPath $RdpCertificateStore)) {
        return @()
    }
    return @(Get-ChildItem -LiteralPath $RdpCertificateStore)
}

function Restart-ServiceBounded {
    # Restart-Service waits without limit; stop with -NoWait and wait for each state with a timeout instead.
    # Dependents that -Force stops (UmRdpService for TermService) are started again.
    param([string]$Name)
    $service = Get-Service -Name $Name
    $dependents = @($service.DependentServices | Where-Object { $_.Status -eq 'Running' } | ForEach-Object { $_.Name })
    if ($service.Status -ne 'Stopped') {
        Stop-Service -Name $Name -Force -NoWait
        $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Stopped, [TimeSpan]::FromSeconds($StopTimeoutSeconds))
    }
    $service.Start()
    $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running, [TimeSpan]::FromSeconds($StartTimeoutSeconds))
    $actions.Add('restarted ' + $Name)
    foreach ($dependentName in $dependents) {
        Start-ServiceBounded -Name $dependentName -TimeoutSeconds $StartTimeoutSeconds
    }
}

try {
    # 1: the build decides the set; guessing would write an entry this build does not ship.
    $buildNumber = Get-WindowsBuildNumber
    if ($null -eq $buildNumber) {
        throw 'the Windows build (CurrentBuildNumber) is unreadable: nothing changed'
    }
    $legacyEntry = ($buildNumber -lt $SessionEnvEntryBuild)

    # 2: a folder that refuses listing is reported, never taken for "no container".
    try {
        $rdpKeyFiles = @(Get-ChildItem -LiteralPath $MachineKeysDirectory -Filter $RdpKeyFilter -File -Force -ErrorAction Stop)
    }
    catch {
        throw ('{0} cannot be listed ({1}): nothing changed' -f $MachineKeysDirectory, $_.Exception.Message)
    }

    $stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMdd-HHmmss', [System.Globalization.CultureInfo]::InvariantCulture) + 'Z'
    if ($rdpKeyFiles.Count -eq 0) {
        $actions.Add('no RDP key container (f686aace*) in MachineKeys: Windows creates one with the certificate')
    }
    else {
        # 3: only containers that lack part of this build's set are touched; a complete one is left as it is.
        if ($legacyEntry) {
            $completeSet = '^SYSTEM=F;NETWORK SERVICE=[RF];Administrators=[RF]$'
        }
        else {
            $completeSet = '^SYSTEM=F;NETWORK SERVICE=[RF];SessionEnv=F$'
        }
        $toGrant = @($rdpKeyFiles | Where-Object { (Get-KeyAccessSummary -Path $_.FullName -LegacyEntry $legacyEntry) -notmatch $completeSet })
        if ($toGrant.Count -eq 0) {
            $actions.Add('the RDP key container ACLs already carry build ' + $buildNumber + "'s entries: unchanged")
        }
        else {
            # Their ACLs, saved first so that every change below can be reverted. The backup goes into the
            # directory this script creates (errata 7: never a different, assumed one).
            $null = [System.IO.Directory]::CreateDirectory($BackupDirectory)
            $aclBackupPath = Join-Path $BackupDirectory ('machinekeys-acl-{0}.txt' -f $stamp)
            $keyPattern = Join-Path $MachineKeysDirectory $RdpKeyFilter
            $save = Invoke-Native { icacls.exe $keyPattern /save $aclBackupPath }
            if ($save.exitCode -ne 0 -or -not (Test-Path -LiteralPath $aclBackupPath)) {
                # No backup, no change: the ACLs stay as they are and the certificate is left alone too.
                throw ('icacls /save failed (exit {0}): {1}' -f $save.exitCode, $save.output)
            }
            $result.aclBackupPath = $aclBackupPath
            $actions.Add('saved key ACLs; restore: icacls "' + $MachineKeysDirectory + '" /restore "' + $aclBackupPath + '"')

            $recorded = 0
            foreach ($keyFile in $toGrant) {
                $keyPath = $keyFile.FullName
                $before = Get-KeyAccessSummary -Path $keyPath -LegacyEntry $legacyEntry
                if ($legacyEntry) {
                    $grant = Invoke-Native { icacls.exe $keyPath /grant '*S-1-5-18:(F)' '*S-1-5-20:(R)' '*S-1-5-32-544:(R)' }
                }
                else {
                    $grant = Invoke-Native { icacls.exe $keyPath /grant '*S-1-5-18:(F)' '*S-1-5-20:(R)' '*S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833:(F)' }
                }
                if ($grant.exitCode -ne 0) {
                    throw ('icacls /grant failed on {0} (exit {1}): {2}' -f $keyFile.Name, $grant.exitCode, $grant.output)
                }
                $after = Get-KeyAccessSummary -Path $keyPath -LegacyEntry $legacyEntry
                if ($recorded -lt $MaxRecordedKeyFiles) {
                    Add-Change -Path $keyPath -Name 'ACL' -Before $before -After $after
                    $recorded += 1
                }
                if ($after -notmatch $completeSet) {
                    # A deny entry outranks the grant; removing deny entries is not add-only: left to a person.
                    $actions.Add('a deny entry still limits access to ' + $keyFile.Name + ': ' + $after)
                }
            }
            if ($toGrant.Count -gt $MaxRecordedKeyFiles) {
                $actions.Add(('granted access on {0} key files; the first {1} are recorded' -f $toGrant.Count, $MaxRecordedKeyFiles))
            }
        }

        # 4: access is right now; a key that still does not open is a damaged container, and Windows cannot
        # create the RDP key of that name while the file is there. Moved (not deleted) into the backup.
        $unusable = @(Get-RdpCertificates | Where-Object { -not (Test-PrivateKeyOpens -Certificate $_) })
        if ($unusable.Count -gt 0) {
            $asideDirectory = Join-Path $BackupDirectory ('machinekeys-{0}' -f $stamp)
            $null = [System.IO.Directory]::CreateDirectory($asideDirectory)
            foreach ($keyFile in $rdpKeyFiles) {
                $aside = Join-Path $asideDirectory $keyFile.Name
                Move-Item -LiteralPath $keyFile.FullName -Destination $aside
                Add-Change -Path $keyFile.FullName -Name 'KeyContainer' -Before $keyFile.FullName -After $aside
                $actions.Add('moved the unreadable key container aside; undo: Move-Item "' + $aside + '" "' + $MachineKeysDirectory + '"')
            }
        }
    }

    # 5: the certificate(s) in Remote Desktop.
    $oldCertificates = @(Get-RdpCertificates)
    $removedThumbprints = @()
    foreach ($certificate in $oldCertificates) {
        $thumbprint = [string]$certificate.Thumbprint
        Remove-Item -LiteralPath $certificate.PSPath
        $removedThumbprints += $thumbprint
        Add-Change -Path $RdpCertificateStore -Name 'Certificate' -Before $thumbprint -After $null
        if ($null -eq $result.removedThumbprint) {
            $result.removedThumbprint = $thumbprint
        }
    }

    $validPinPath = $null
    $pin = (Get-Item -LiteralPath $RdpTcpPath).GetValue('SSLCertificateSHA1Hash', $null)
    if ($pin -is [byte[]] -and $pin.Length -gt 0) {
        $pinnedThumbprint = [System.BitConverter]::ToString($pin).Replace('-', '')
        $pinnedPath = $null
        foreach ($store in @($PersonalCertificateStore, $RdpCertificateStore)) {
            $candidate = Join-Path $store $pinnedThumbprint
            if ($null -eq $pinnedPath -and (Test-Path -LiteralPath $candidate)) {
                $pinnedPath = $candidate
            }
        }
        $pinnedExpired = $false
        if ($null -ne $pinnedPath) {
            $pinnedExpired = ((Get-Item -LiteralPath $pinnedPath).NotAfter.ToUniversalTime() -lt [DateTime]::UtcNow)
        }
        if ($null -eq $pinnedPath -or $pinnedExpired) {
            # A pin to a missing or expired certificate makes RDP fail the TLS handshake, and Windows issues no
            # self-signed certificate while it is there.
            Remove-ItemProperty -LiteralPath $RdpTcpPath -Name 'SSLCertificateSHA1Hash'
            Add-Change -Path $RdpTcpPath -Name 'SSLCertificateSHA1Hash' -Before $pinnedThumbprint -After $null
        }
        else {
            # A valid pin (usually a CA-issued certificate in LocalMachine\My) is what RDP serves; Windows then
            # issues no self-signed certificate, so the pinned one is what gets verified below.
            $validPinPath = $pinnedPath
            $actions.Add('kept the pin to existing certificate ' + $pinnedThumbprint)
        }
    }

    # 6: SessionEnv issues the self-signed certificate; TermService then loads it for its listener.
    # A SessionEnv that will not restart is recorded, not fatal: TermService also issues a missing certificate.
    try {
        Restart-ServiceBounded -Name 'SessionEnv'
    }
    catch {
        $actions.Add((Limit-Text -Text ('could not restart SessionEnv: ' + $_.Exception.Message) -Max 200))
    }
    Restart-ServiceBounded -Name 'TermService'

    # 7: wait (bounded) for the new certificate (or take the pinned one) and check that its key works.
    $deadline = (Get-Date).AddSeconds($NewCertificateTimeoutSeconds)
    $newCertificate = $null
    if ($null -ne $validPinPath) {
        $newCertificate = Get-Item -LiteralPath $validPinPath
    }
    while ($null -eq $newCertificate) {
        $newCertificate = Get-RdpCertificates | Where-Object { $removedThumbprints -notcontains $_.Thumbprint } | Select-Object -First 1
        if ($null -ne $newCertificate -or (Get-Date) -ge $deadline) {
            break
        }
        Start-Sleep -Seconds 2
    }
    if ($null -eq $newCertificate) {
        throw 'no new certificate appeared in Cert:\LocalMachine\Remote Desktop after restarting SessionEnv and TermService'
    }
    if ($null -eq $validPinPath) {
        Add-Change -Path $RdpCertificateStore -Name 'Certificate' -Before $null -After ([string]$newCertificate.Thumbprint)
    }
    if (-not (Test-PrivateKeyOpens -Certificate $newCertificate)) {
        throw ('new certificate {0} exists but its private key cannot be used' -f $newCertificate.Thumbprint)
    }
    $result.ok = $true
    $result.message = 'RDP certificate {0} in use, valid until {1}' -f $newCertificate.Thumbprint, $newCertificate.NotAfter.ToUniversalTime().ToString('s', [System.Globalization.CultureInfo]::InvariantCulture)
}
catch {
    $result.ok = $false
    $result.message = Limit-Text -Text ('renew-certificate failed: ' + $_.Exception.Message) -Max 500
}

$result.changes = $changes.ToArray()
$result.actions = $actions.ToArray()
Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
