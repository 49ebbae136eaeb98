<#
.SYNOPSIS
    rdp-autorepair: read-only snapshot of everything the RDP "internal error" playbook looks at.
.DESCRIPTION
    Runs through Azure Run Command as LocalSystem on Windows Server 2016+ (Windows PowerShell 5.1).
    Strictly read-only: it only reads the registry, the certificate store, ACLs, services, sockets and CIM.
    Every section fails soft (its fields stay null) so one unreadable area does not hide the others; a line
    naming the section goes to the progress output. The LAST stdout line is the result marker followed by
    compact JSON (DiagnoseResult in src/guest/scriptContracts.ts), kept well under 3 KB because Run Command
    returns only the last 4096 bytes of output.
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

$RdpTcpPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$TerminalServerPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$TerminalServicesPolicyPath = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$SchannelProtocolsPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$GpsvcPath = 'HKLM:\SYSTEM\CurrentControlSet\Services\gpsvc'
$CurrentVersionPath = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$RdpCertificateStore = 'Cert:\LocalMachine\Remote Desktop'
$PersonalCertificateStore = 'Cert:\LocalMachine\My'
$FirewallRuleName = 'RemoteDesktop-UserMode-In-TCP'

function Write-SectionFailure {
    param([string]$Section, [System.Management.Automation.ErrorRecord]$Failure)
    Write-Host ('diagnose: {0} unreadable: {1}' -f $Section, (Limit-Text -Text $Failure.Exception.Message -Max 160))
}

function Get-RegistryRaw {
    # The raw value, or $null when the key or the value is absent ("not configured" is a finding, not an error).
    # An unreadable key is also $null, with a progress line, so one odd ACL does not sink the whole snapshot.
    # Arrays (REG_BINARY, REG_MULTI_SZ) are wrapped so that PowerShell does not unroll them on return.
    param([string]$Path, [string]$Name)
    try {
        if (-not (Test-Path -LiteralPath $Path)) {
            return $null
        }
        $key = Get-Item -LiteralPath $Path
        return , ($key.GetValue($Name, $null))
    }
    catch {
        Write-SectionFailure -Section ($Path + '\' + $Name) -Failure $_
        return $null
    }
}

function Get-RegistryInt {
    param([string]$Path, [string]$Name)
    $raw = Get-RegistryRaw -Path $Path -Name $Name
    if ($null -eq $raw) {
        return $null
    }
    if ($raw -is [int] -or $raw -is [long]) {
        return $raw
    }
    $parsed = 0
    if ([int]::TryParse([string]$raw, [ref]$parsed)) {
        return $parsed
    }
    return $null
}

function Get-RegistryHex {
    # SSLCertificateSHA1Hash is REG_BINARY: render it as the upper-case hex a certificate thumbprint uses.
    param([string]$Path, [string]$Name)
    $raw = Get-RegistryRaw -Path $Path -Name $Name
    if ($null -eq $raw) {
        return $null
    }
    if ($raw -is [byte[]]) {
        if ($raw.Length -eq 0) {
            return $null
        }
        # A SHA-1 pin is 20 bytes; anything past 32 is not a thumbprint and would only bloat the result.
        return [System.BitConverter]::ToString($raw, 0, [Math]::Min($raw.Length, 32)).Replace('-', '')
    }
    return (Limit-Text -Text $raw -Max 64).ToUpperInvariant()
}

function Get-ServiceState {
    param([string]$Name)
    $service = Get-Service -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $service) {
        return [ordered]@{ status = $null; startType = $null }
    }
    $startType = $null
    if ($null -ne $service.StartType) {
        $startType = [string]$service.StartType
    }
    return [ordered]@{ status = [string]$service.Status; startType = $startType }
}

function Get-TlsServerState {
    # SCHANNEL\Protocols\<version>\Server; absent values stay null (the OS default applies).
    param([string]$Version)
    $serverPath = Join-Path $SchannelProtocolsPath ($Version + '\Server')
    return [ordered]@{
        enabled           = Get-RegistryInt -Path $serverPath -Name 'Enabled'
        disabledByDefault = Get-RegistryInt -Path $serverPath -Name 'DisabledByDefault'
    }
}

function Get-ListenerInfo {
    # Who listens on the port: socket -> process -> service. A foreign holder wins over TermService when both
    # appear (e.g. one program on IPv4 and TermService on IPv6), because the foreign one is the conflict.
    param([int]$Port)
    $info = [ordered]@{ processName = $null; processId = $null; serviceName = $null }
    $connections = @(Get-NetTCPConnection -LocalPort $Port -State Listen -ErrorAction SilentlyContinue)
    if ($connections.Count -eq 0) {
        return $info
    }
    $chosen = $null
    foreach ($owningProcessId in @($connections | ForEach-Object { [int]$_.OwningProcess } | Sort-Object -Unique)) {
        $services = @(Get-CimInstance -ClassName Win32_Service -Filter ('ProcessId = {0}' -f $owningProcessId) -ErrorAction SilentlyContinue)
        $names = @($services | ForEach-Object { [string]$_.Name } | Sort-Object)
        # A shared svchost hosts several services; the socket belongs to TermService when it is among them.
        # Otherwise the first name (sorted, so the answer is stable) is reported; fix-port-conflict re-checks.
        $serviceName = $null
        if ($names -contains 'TermService') {
            $serviceName = 'TermService'
        }
        elseif ($names.Count -gt 0) {
            $serviceName = $names[0]
        }
        $candidate = [ordered]@{ processId = $owningProcessId; serviceName = $serviceName }
        if ($null -eq $chosen -or $serviceName -ne 'TermService') {
            $chosen = $candidate
        }
    }
    $info.processId = $chosen.processId
    $info.serviceName = $chosen.serviceName
    $process = Get-Process -Id $chosen.processId -ErrorAction SilentlyContinue
    if ($null -ne $process) {
        $info.processName = Limit-Text -Text $process.ProcessName -Max 64
    }
    return $info
}

function Test-PrivateKeyOpens {
    # Opening the key reads the MachineKeys container file; signing a few bytes proves the key material is
    # usable, not just present. SHA-1 because every CAPI RSA provider supports it: this is a liveness probe.
    param([System.Security.Cryptography.X509Certificates.X509Certificate2]$Certificate)
    if (-not $Certificate.HasPrivateKey) {
        return $false
    }
    $probe = [System.Text.Encoding]::ASCII.GetBytes('rdp-autorepair')
    try {
        $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
        if ($null -ne $rsa) {
            try {
                $null = $rsa.SignData($probe, [System.Security.Cryptography.HashAlgorithmName]::SHA1, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            }
            finally {
                $rsa.Dispose()
            }
            return $true
        }
        $ecdsa = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate)
        if ($null -ne $ecdsa) {
            try {
                $null = $ecdsa.SignData($probe, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
            }
            finally {
                $ecdsa.Dispose()
            }
            return $true
        }
        return $false
    }
    catch {
        return $false
    }
}

function Test-FileGrant {
    # True when the SID is allowed every bit of $Needed and no deny entry for that SID takes any of them away.
    param([object[]]$Rules, [string]$Sid, [int]$Needed)
    $rights = Get-SidFileRights -Rules $Rules -Sid $Sid
    return ((($rights.allowed -band $Needed) -eq $Needed) -and (($rights.denied -band $Needed) -eq 0))
}

$result = [ordered]@{ script = 'diagnose'; ok = $false; message = '' }
try {
    $os = [ordered]@{ caption = $null; build = $null }
    try {
        $osInfo = Get-CimInstance -ClassName Win32_OperatingSystem
        $os.caption = Limit-Text -Text $osInfo.Caption -Max 100
        $ubr = Get-RegistryInt -Path $CurrentVersionPath -Name 'UBR'
        if ($null -ne $ubr) {
            $os.build = '{0}.{1}' -f $osInfo.BuildNumber, $ubr
        }
        else {
            $os.build = Limit-Text -Text $osInfo.BuildNumber -Max 20
        }
    }
    catch {
        Write-SectionFailure -Section 'os' -Failure $_
    }

    $domain = [ordered]@{ joined = $false; name = $null }
    try {
        $computer = Get-CimInstance -ClassName Win32_ComputerSystem
        $domain.joined = [bool]$computer.PartOfDomain
        if ($domain.joined) {
            $domain.name = Limit-Text -Text $computer.Domain -Max 100
        }
    }
    catch {
        Write-SectionFailure -Section 'domain' -Failure $_
    }

    # The configured port is the one every later check uses (3389 only when the value is absent).
    $portNumber = Get-RegistryInt -Path $RdpTcpPath -Name 'PortNumber'
    if ($null -eq $portNumber -or $portNumber -lt 1 -or $portNumber -gt 65535) {
        $portNumber = 3389
    }
    $pinnedThumbprint = Get-RegistryHex -Path $RdpTcpPath -Name 'SSLCertificateSHA1Hash'
    $rdp = [ordered]@{
        portNumber                  = $portNumber
        fDenyTSConnections          = Get-RegistryInt -Path $TerminalServerPath -Name 'fDenyTSConnections'
        policyDenyTSConnections     = Get-RegistryInt -Path $TerminalServicesPolicyPath -Name 'fDenyTSConnections'
        securityLayer               = Get-RegistryInt -Path $RdpTcpPath -Name 'SecurityLayer'
        userAuthentication          = Get-RegistryInt -Path $RdpTcpPath -Name 'UserAuthentication'
        allowSecProtocolNegotiation = Get-RegistryInt -Path $RdpTcpPath -Name 'fAllowSecProtocolNegotiation'
        pinnedThumbprint            = $pinnedThumbprint
    }

    $listener = [ordered]@{ processName = $null; processId = $null; serviceName = $null }
    try {
        $listener = Get-ListenerInfo -Port $portNumber
    }
    catch {
        Write-SectionFailure -Section 'listener' -Failure $_
    }

    $services = [ordered]@{
        TermService  = Get-ServiceState -Name 'TermService'
        SessionEnv   = Get-ServiceState -Name 'SessionEnv'
        UmRdpService = Get-ServiceState -Name 'UmRdpService'
    }

    $certificate = [ordered]@{
        present         = $false
        thumbprint      = $null
        notAfter        = $null
        hasPrivateKey   = $null
        privateKeyOpens = $null
        pinnedMissing   = $false
    }
    try {
        $rdpCertificates = @()
        if (Test-Path -LiteralPath $RdpCertificateStore) {
            $rdpCertificates = @(Get-ChildItem -LiteralPath $RdpCertificateStore)
        }
        if ($rdpCertificates.Count -gt 0) {
            # The pinned certificate is the one RDP serves when it is in this store; otherwise the newest.
            $chosenCertificate = $rdpCertificates | Where-Object { $_.Thumbprint -eq $pinnedThumbprint } | Select-Object -First 1
            if ($null -eq $chosenCertificate) {
                $chosenCertificate = $rdpCertificates | Sort-Object -Property NotAfter -Descending | Select-Object -First 1
            }
            $certificate.present = $true
            $certificate.thumbprint = [string]$chosenCertificate.Thumbprint
            # 's' is culture-invariant (a custom ':' would become the culture's time separator).
            $certificate.notAfter = $chosenCertificate.NotAfter.ToUniversalTime().ToString('s', [System.Globalization.CultureInfo]::InvariantCulture) + 'Z'
            $certificate.hasPrivateKey = [bool]$chosenCertificate.HasPrivateKey
            $certificate.privateKeyOpens = Test-PrivateKeyOpens -Certificate $chosenCertificate
        }
        if ($null -ne $pinnedThumbprint) {
            # A pin usually names a certificate in LocalMachine\My (CA-issued), sometimes the self-signed one.
            $pinnedFound = (Test-Path -LiteralPath (Join-Path $PersonalCertificateStore $pinnedThumbprint)) -or (Test-Path -LiteralPath (Join-Path $RdpCertificateStore $pinnedThumbprint))
            $certificate.pinnedMissing = -not $pinnedFound
        }
    }
    catch {
        Write-SectionFailure -Section 'certificate' -Failure $_
    }

    $machineKeys = [ordered]@{
        rdpContainerFound        = $false
        systemFullControl        = $false
        networkServiceRead       = $false
        administratorsFullControl = $false
    }
    try {
        $machineKeysDirectory = Join-Path $env:ProgramData 'Microsoft\Crypto\RSA\MachineKeys'
        $rdpKeyFiles = @(Get-ChildItem -LiteralPath $machineKeysDirectory -Filter 'f686aace*' -File -Force -ErrorAction SilentlyContinue)
        if ($rdpKeyFiles.Count -gt 0) {
            $machineKeys.rdpContainerFound = $true
            $machineKeys.systemFullControl = $true
            $machineKeys.networkServiceRead = $true
            $machineKeys.administratorsFullControl = $true
            # Every matching container must pass: any of them may be the one TermService opens.
            foreach ($keyFile in $rdpKeyFiles) {
                $rules = @()
                try {
                    $rules = @((Get-Acl -LiteralPath $keyFile.FullName).GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))
                }
                catch {
                    Write-SectionFailure -Section ('acl of ' + $keyFile.Name) -Failure $_
                }
                $machineKeys.systemFullControl = $machineKeys.systemFullControl -and (Test-FileGrant -Rules $rules -Sid $SidSystem -Needed $FullControlMask)
                $machineKeys.networkServiceRead = $machineKeys.networkServiceRead -and (Test-FileGrant -Rules $rules -Sid $SidNetworkService -Needed $ReadMask)
                $machineKeys.administratorsFullControl = $machineKeys.administratorsFullControl -and (Test-FileGrant -Rules $rules -Sid $SidAdministrators -Needed $FullControlMask)
            }
        }
    }
    catch {
        Write-SectionFailure -Section 'machineKeys' -Failure $_
    }

    $tls = [ordered]@{
        'TLS 1.0' = Get-TlsServerState -Version 'TLS 1.0'
        'TLS 1.1' = Get-TlsServerState -Version 'TLS 1.1'
        'TLS 1.2' = Get-TlsServerState -Version 'TLS 1.2'
    }

    $gpsvcStart = Get-RegistryInt -Path $GpsvcPath -Name 'Start'

    $firewall = [ordered]@{ ruleName = $FirewallRuleName; enabled = $null; localPorts = $null }
    try {
        $rule = Get-NetFirewallRule -Name $FirewallRuleName -ErrorAction SilentlyContinue
        if ($null -ne $rule) {
            $firewall.enabled = ([string]$rule.Enabled -eq 'True')
            $portFilter = $rule | Get-NetFirewallPortFilter
            $firewall.localPorts = Limit-Text -Text (@($portFilter.LocalPort) -join ',') -Max 100
        }
    }
    catch {
        Write-SectionFailure -Section 'firewall' -Failure $_
    }

    $result = [ordered]@{
        script      = 'diagnose'
        os          = $os
        domain      = $domain
        rdp         = $rdp
        listener    = $listener
        services    = $services
        certificate = $certificate
        machineKeys = $machineKeys
        tls         = $tls
        gpsvcStart  = $gpsvcStart
        firewall    = $firewall
    }
}
catch {
    # Nothing usable: say why, in the same protocol, so the caller gets a reason instead of a missing line.
    $result = [ordered]@{ script = 'diagnose'; ok = $false; message = Limit-Text -Text ('diagnose failed: ' + $_.Exception.Message) -Max 500 }
}

Write-Output ('RDPAUTOREPAIR-RESULT:' + ($result | ConvertTo-Json -Compress -Depth 6))
