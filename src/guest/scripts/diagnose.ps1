<#
.SYNOPSIS
    rdp-autorepair: read-only snapshot of everything the RDP "internal error" playbook looks at.
.DESCRIPTION
    Runs through Azure Run Command as LocalSystem on Windows Server 2016+ (Windows PowerShell 5.1).
    Strictly read-only: it only reads the registry, the certificate stores, ACLs, services, sockets and CIM.
    Every section fails soft (its fields stay null) so one unreadable area does not hide the others; a line
    naming the section goes to the progress output. The LAST stdout line is the result marker followed by
    compact ASCII JSON (DiagnoseResult in src/guest/scriptContracts.ts), capped by ConvertTo-ResultJson
    because Run Command returns only the last 4096 bytes of output.
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
# Progress records would be serialized into the captured output and eat into Run Command's 4 KB window.
$ProgressPreference = 'SilentlyContinue'

# rdp-autorepair: common helpers go here

Set-Utf8Output

$RdpTcpPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$TerminalServerPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$TerminalServicesPolicyPath = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$SchannelProtocolsPath = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$GpsvcPath = 'HKLM:\SYSTEM\CurrentControlSet\Services\gpsvc'
$CurrentVersionPath = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$RdpCertificateStore = 'Cert:\LocalMachine\Remote Desktop'
$PersonalCertificateStore = 'Cert:\LocalMachine\My'
$FirewallRuleName = 'RemoteDesktop-UserMode-In-TCP'
# At most this many service names per listening process in the result.
$MaxHostedServices = 8

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
    # Who listens on the port: socket -> process -> the services that process hosts. A foreign holder wins over
    # TermService when both appear (e.g. one program on IPv4 and TermService on IPv6), because the foreign one
    # is the conflict. The owning service is named only when it is certain: the service the socket's service
    # tag names (checked against the services of its process), else the one service of the process, else
    # TermService when the process hosts it (Server 2016 shares its svchost). Every hosted service is listed,
    # so a shared process is visible whatever the name.
    param([int]$Port)
    $info = [ordered]@{ processName = $null; processId = $null; serviceName = $null; hostedServices = @() }
    $connections = @(Get-NetTCPConnection -LocalPort $Port -State Listen -ErrorAction SilentlyContinue)
    if ($connections.Count -eq 0) {
        return $info
    }
    $owners = @(Get-ListenerOwnerModules -Port $Port)
    $chosen = $null
    foreach ($owningProcessId in @($connections | ForEach-Object { [int]$_.OwningProcess } | Sort-Object -Unique)) {
        $services = @(Get-CimInstance -ClassName Win32_Service -Filter ('ProcessId = {0}' -f $owningProcessId) -ErrorAction SilentlyContinue)
        $names = @($services | ForEach-Object { [string]$_.Name } | Sort-Object)
        $prefix = [string]$owningProcessId + '|'
        $tagged = @($owners | Where-Object { ([string]$_).StartsWith($prefix) } | ForEach-Object { ([string]$_).Substring($prefix.Length) } | Where-Object { $names -contains $_ } | Sort-Object -Unique)
        $serviceName = $null
        if ($tagged.Count -eq 1) {
            $serviceName = @($names | Where-Object { $_ -eq $tagged[0] })[0]
        }
        elseif ($names -contains 'TermService') {
            $serviceName = 'TermService'
        }
        elseif ($names.Count -eq 1) {
            $serviceName = $names[0]
        }
        $candidate = [ordered]@{ processId = $owningProcessId; serviceName = $serviceName; names = $names }
        if ($null -eq $chosen -or $serviceName -ne 'TermService') {
            $chosen = $candidate
        }
    }
    $info.processId = $chosen.processId
    $info.serviceName = $chosen.serviceName
    $info.hostedServices = @($chosen.names | Select-Object -First $MaxHostedServices | ForEach-Object { Limit-Text -Text $_ -Max 64 })
    $process = Get-Process -Id $chosen.processId -ErrorAction SilentlyContinue
    if ($null -ne $process) {
        $info.processName = Limit-Text -Text $process.ProcessName -Max 64
    }
    return $info
}

function Get-ThumbprintInUse {
    # The certificate the RDP-Tcp listener serves, as Remote Desktop's own WMI provider reports it; null when
    # the provider does not answer (the caller then falls back to the pin or the Remote Desktop store).
    try {
        $setting = Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName 'Win32_TSGeneralSetting' -Filter "TerminalName = 'RDP-Tcp'" -ErrorAction Stop
        $hash = [string]$setting.SSLCertificateSHA1Hash
        if ($hash -match '^[0-9A-Fa-f]{40}$') {
            return $hash.ToUpperInvariant()
        }
    }
    catch {
        Write-SectionFailure -Section 'Win32_TSGeneralSetting' -Failure $_
    }
    return $null
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
    # When Windows last booted, as boot-time.ps1 reads it: the repair's "before" value for proving its first
    # restart, so no separate Run Command is needed before it. $null when CIM or the value cannot be read.
    $lastBootUpTime = $null
    try {
        $osInfo = Get-CimInstance -ClassName Win32_OperatingSystem
        try {
            if ($null -ne $osInfo.LastBootUpTime) {
                $lastBootUpTime = ConvertTo-UtcText -Value $osInfo.LastBootUpTime
            }
        }
        catch {
            Write-SectionFailure -Section 'lastBootUpTime' -Failure $_
        }
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

    $listener = [ordered]@{ processName = $null; processId = $null; serviceName = $null; hostedServices = @() }
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
        present               = $false
        store                 = $null
        thumbprint            = $null
        notAfter              = $null
        hasPrivateKey         = $null
        privateKeyOpens       = $null
        networkServiceKeyRead = $null
        pinnedMissing         = $false
        pinnedExpired         = $false
    }
    try {
        # The certificate actually in use: what Win32_TSGeneralSetting names, else the pin, else the newest
        # certificate in Remote Desktop (the self-signed one). A pin usually names a CA-issued certificate in
        # LocalMachine\My, sometimes the self-signed one.
        $inUse = Get-ThumbprintInUse
        if ($null -eq $inUse) {
            $inUse = $pinnedThumbprint
        }
        $chosenCertificate = $null
        if ($null -ne $inUse) {
            foreach ($store in @(@('personal', $PersonalCertificateStore), @('remote-desktop', $RdpCertificateStore))) {
                $path = Join-Path $store[1] $inUse
                if ($null -eq $chosenCertificate -and (Test-Path -LiteralPath $path)) {
                    $chosenCertificate = Get-Item -LiteralPath $path
                    $certificate.store = $store[0]
                }
            }
        }
        if ($null -eq $chosenCertificate -and $null -eq $pinnedThumbprint -and (Test-Path -LiteralPath $RdpCertificateStore)) {
            $chosenCertificate = @(Get-ChildItem -LiteralPath $RdpCertificateStore) | Sort-Object -Property NotAfter -Descending | Select-Object -First 1
            if ($null -ne $chosenCertificate) {
                $certificate.store = 'remote-desktop'
            }
        }
        if ($null -ne $chosenCertificate) {
            $certificate.present = $true
            $certificate.thumbprint = [string]$chosenCertificate.Thumbprint
            $certificate.notAfter = ConvertTo-UtcText -Value $chosenCertificate.NotAfter
            $certificate.hasPrivateKey = [bool]$chosenCertificate.HasPrivateKey
            $certificate.privateKeyOpens = Test-PrivateKeyOpens -Certificate $chosenCertificate
            $keyFile = Get-PrivateKeyFile -Certificate $chosenCertificate
            if ($null -ne $keyFile) {
                try {
                    $certificate.networkServiceKeyRead = Test-FileGrant -Rules (Get-FileAccessRules -Path $keyFile) -Sid $SidNetworkService -Needed $ReadMask
                }
                catch {
                    Write-SectionFailure -Section 'acl of the certificate key' -Failure $_
                }
            }
            if ($null -ne $pinnedThumbprint -and $chosenCertificate.NotAfter.ToUniversalTime() -lt [DateTime]::UtcNow) {
                $certificate.pinnedExpired = $true
            }
        }
        $certificate.pinnedMissing = ($null -ne $pinnedThumbprint -and $null -eq $chosenCertificate)
    }
    catch {
        Write-SectionFailure -Section 'certificate' -Failure $_
    }

    $machineKeys = [ordered]@{
        listable          = $false
        rdpContainerFound = $false
        systemFullControl = $false
        networkServiceRead = $false
        buildEntryPresent = $false
    }
    try {
        # A folder that refuses listing is a finding of its own, never "no container": -ErrorAction Stop.
        $rdpKeyFiles = @(Get-ChildItem -LiteralPath $MachineKeysDirectory -Filter 'f686aace*' -File -Force -ErrorAction Stop)
        $machineKeys.listable = $true
        $buildNumber = Get-WindowsBuildNumber
        if ($rdpKeyFiles.Count -gt 0) {
            $machineKeys.rdpContainerFound = $true
            $machineKeys.systemFullControl = $true
            $machineKeys.networkServiceRead = $true
            $machineKeys.buildEntryPresent = $true
            # Every matching container must pass: any of them may be the one TermService opens.
            foreach ($keyFile in $rdpKeyFiles) {
                $rules = @()
                try {
                    $rules = Get-FileAccessRules -Path $keyFile.FullName
                }
                catch {
                    Write-SectionFailure -Section ('acl of ' + $keyFile.Name) -Failure $_
                }
                $machineKeys.systemFullControl = $machineKeys.systemFullControl -and (Test-FileGrant -Rules $rules -Sid $SidSystem -Needed $FullControlMask)
                $machineKeys.networkServiceRead = $machineKeys.networkServiceRead -and (Test-FileGrant -Rules $rules -Sid $SidNetworkService -Needed $ReadMask)
                # The third entry a healthy container of this build carries; an unknown build counts as missing.
                if ($null -eq $buildNumber) {
                    $entryPresent = $false
                }
                elseif ($buildNumber -ge $SessionEnvEntryBuild) {
                    $entryPresent = Test-FileGrant -Rules $rules -Sid $SidSessionEnv -Needed $FullControlMask
                }
                else {
                    $entryPresent = Test-FileGrant -Rules $rules -Sid $SidAdministrators -Needed $ReadMask
                }
                $machineKeys.buildEntryPresent = $machineKeys.buildEntryPresent -and $entryPresent
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
        script         = 'diagnose'
        os             = $os
        lastBootUpTime = $lastBootUpTime
        domain         = $domain
        rdp            = $rdp
        listener       = $listener
        services       = $services
        certificate    = $certificate
        machineKeys    = $machineKeys
        tls            = $tls
        gpsvcStart     = $gpsvcStart
        firewall       = $firewall
    }
}
catch {
    # Nothing usable: say why, in the same protocol, so the caller gets a reason instead of a missing line.
    $result = [ordered]@{ script = 'diagnose'; ok = $false; message = Limit-Text -Text ('diagnose failed: ' + $_.Exception.Message) -Max 500 }
}

Write-Output ('RDPAUTOREPAIR-RESULT:' + (ConvertTo-ResultJson -Result $result))
