# ---- common-read.ps1: inserted by loadGuestScript (src/guest/scriptCatalog.ts) at the marker line of EVERY
# guest script, diagnose included. Read-only: no command or method here may change the guest (the diagnose
# allow-list test checks the composed diagnose text). Windows PowerShell 5.1, ASCII, one statement per line.

# Well-known SIDs instead of account names: names are localized ("VORDEFINIERT\Administratoren").
$SidSystem = 'S-1-5-18'
$SidNetworkService = 'S-1-5-20'
$SidAdministrators = 'S-1-5-32-544'
# NT SERVICE\SessionEnv: a service SID is derived from the service name, so it is the same on every machine.
$SidSessionEnv = 'S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833'
# The build from which a healthy RDP key container carries SessionEnv (F) instead of Administrators (R).
$SessionEnvEntryBuild = 17763
# FILE_ALL_ACCESS and FILE_GENERIC_READ without SYNCHRONIZE: what "(F)" and "(R)" grant on a file.
$FullControlMask = 2032127
$ReadMask = 131209
$MachineKeysDirectory = Join-Path $env:ProgramData 'Microsoft\Crypto\RSA\MachineKeys'
$CngKeysDirectory = Join-Path $env:ProgramData 'Microsoft\Crypto\Keys'
# The result line must fit Run Command's 4096-byte output window with room for a progress line or two.
$MaxResultBytes = 3500

function Set-Utf8Output {
    # Progress lines may carry localized exception text; without this Windows PowerShell 5.1 writes them in
    # the OEM code page. The result line does not depend on it (ConvertTo-ResultJson keeps it ASCII). A host
    # without a console refuses the assignment, which changes nothing else.
    try {
        [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)
    }
    catch {
        $null = $_
    }
}

function Get-WindowsBuildNumber {
    # CurrentBuildNumber (e.g. "17763"), as an int; null when unreadable.
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SOFTWARE\Microsoft\Windows NT\CurrentVersion')
    if ($null -eq $key) {
        return $null
    }
    try {
        $parsed = 0
        if ([int]::TryParse([string]$key.GetValue('CurrentBuildNumber', ''), [ref]$parsed)) {
            return $parsed
        }
        return $null
    }
    finally {
        $key.Close()
    }
}

# C# for the socket owner lookup (Get-ListenerOwnerModules): GetExtendedTcpTable(TCP_TABLE_OWNER_MODULE_LISTENER)
# and GetOwnerModuleFromTcp(6)Entry from iphlpapi.dll, the documented calls behind "netstat -b". Row layouts
# are MIB_TCPROW_OWNER_MODULE (160 bytes) and MIB_TCP6ROW_OWNER_MODULE (192 bytes); rows start at offset 8.
$TcpOwnerSource = @'
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace RdpAutorepair
{
    public static class TcpOwner
    {
        [DllImport("iphlpapi.dll")]
        private static extern uint GetExtendedTcpTable(IntPtr table, ref int size, bool sorted, int family, int tableClass, int reserved);

        [DllImport("iphlpapi.dll")]
        private static extern uint GetOwnerModuleFromTcpEntry(IntPtr row, int infoClass, IntPtr buffer, ref int size);

        [DllImport("iphlpapi.dll")]
        private static extern uint GetOwnerModuleFromTcp6Entry(IntPtr row, int infoClass, IntPtr buffer, ref int size);

        private const int AfInet = 2;
        private const int AfInet6 = 23;
        private const int TcpTableOwnerModuleListener = 6;
        private const int ErrorInsufficientBuffer = 122;
        private const int Row4Size = 160;
        private const int Row6Size = 192;
        private const int Row4PortOffset = 8;
        private const int Row4PidOffset = 20;
        private const int Row6PortOffset = 20;
        private const int Row6PidOffset = 52;

        // "pid|module" for every listening socket on the port, IPv4 and IPv6. For a socket opened by a service
        // hosted in svchost, the module is the service that owns it (the socket's service tag).
        public static string[] ListenerOwners(int port)
        {
            List<string> owners = new List<string>();
            Collect(AfInet, port, owners);
            Collect(AfInet6, port, owners);
            return owners.ToArray();
        }

        private static void Collect(int family, int port, List<string> owners)
        {
            int size = 0;
            GetExtendedTcpTable(IntPtr.Zero, ref size, false, family, TcpTableOwnerModuleListener, 0);
            if (size <= 0)
            {
                return;
            }
            IntPtr table = Marshal.AllocHGlobal(size);
            try
            {
                if (GetExtendedTcpTable(table, ref size, false, family, TcpTableOwnerModuleListener, 0) != 0)
                {
                    return;
                }
                int count = Marshal.ReadInt32(table);
                int rowSize = family == AfInet ? Row4Size : Row6Size;
                int portOffset = family == AfInet ? Row4PortOffset : Row6PortOffset;
                int pidOffset = family == AfInet ? Row4PidOffset : Row6PidOffset;
                for (int i = 0; i < count; i++)
                {
                    // Rows start at offset 8: the DWORD count, then padding to the rows' 8-byte alignment.
                    IntPtr row = new IntPtr(table.ToInt64() + 8 + (long)i * rowSize);
                    int raw = Marshal.ReadInt32(row, portOffset);
                    int rowPort = ((raw & 0xFF) << 8) | ((raw >> 8) & 0xFF);
                    if (rowPort != port)
                    {
                        continue;
                    }
                    int pid = Marshal.ReadInt32(row, pidOffset);
                    owners.Add(pid.ToString() + "|" + ModuleName(family, row));
                }
            }
            finally
            {
                Marshal.FreeHGlobal(table);
            }
        }

        private static string ModuleName(int family, IntPtr row)
        {
            int size = 0;
            uint status = family == AfInet
                ? GetOwnerModuleFromTcpEntry(row, 0, IntPtr.Zero, ref size)
                : GetOwnerModuleFromTcp6Entry(row, 0, IntPtr.Zero, ref size);
            if (status != ErrorInsufficientBuffer || size <= 0)
            {
                return "";
            }
            IntPtr buffer = Marshal.AllocHGlobal(size);
            try
            {
                status = family == AfInet
                    ? GetOwnerModuleFromTcpEntry(row, 0, buffer, ref size)
                    : GetOwnerModuleFromTcp6Entry(row, 0, buffer, ref size);
                if (status != 0)
                {
                    return "";
                }
                string name = Marshal.PtrToStringUni(Marshal.ReadIntPtr(buffer));
                return name == null ? "" : name;
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }
}
'@

function Get-ListenerOwnerModules {
    # "pid|module" for each socket listening on the port. For a socket a svchost-hosted service opened, the
    # module is that service (from the socket's service tag), which tells apart the services of one shared
    # svchost. Empty when the lookup cannot run (no compiler, a locked TEMP): callers then know less, never
    # something wrong. Add-Type only defines a type in this session; nothing on the guest changes.
    param([int]$Port)
    try {
        if ($null -eq ('RdpAutorepair.TcpOwner' -as [type])) {
            Add-Type -TypeDefinition $TcpOwnerSource -Language CSharp
        }
        return @([RdpAutorepair.TcpOwner]::ListenerOwners($Port))
    }
    catch {
        Write-Host ('socket owner lookup unavailable: ' + (Limit-Text -Text $_.Exception.Message -Max 160))
        return @()
    }
}

function Test-PrivateKeyOpens {
    # Opening the key reads its container file; signing a few bytes proves the key material is usable, not
    # just present. RSA (CAPI or CNG) and ECDSA keys both count. SHA-1 for RSA because every CAPI RSA provider
    # supports it: this is a liveness probe, not a signature anyone verifies.
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

function Get-PrivateKeyFile {
    # The file holding a certificate's private key: a CAPI key is a container under Crypto\RSA\MachineKeys,
    # a CNG key (RSA or ECDSA) a file under Crypto\Keys. Null when the key cannot be opened or no file is found.
    param([System.Security.Cryptography.X509Certificates.X509Certificate2]$Certificate)
    if (-not $Certificate.HasPrivateKey) {
        return $null
    }
    $name = $null
    try {
        $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
        if ($null -eq $key) {
            $key = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate)
        }
        if ($null -eq $key) {
            return $null
        }
        try {
            if ($key -is [System.Security.Cryptography.RSACryptoServiceProvider]) {
                $name = $key.CspKeyContainerInfo.UniqueKeyContainerName
            }
            elseif ($null -ne $key.Key) {
                $name = $key.Key.UniqueName
            }
        }
        finally {
            $key.Dispose()
        }
    }
    catch {
        return $null
    }
    if ([string]::IsNullOrEmpty($name)) {
        return $null
    }
    # A CAPI key opened through CNG reports its container name too: look in both places.
    foreach ($directory in @($CngKeysDirectory, $MachineKeysDirectory)) {
        $candidate = Join-Path $directory $name
        if (Test-Path -LiteralPath $candidate) {
            return $candidate
        }
    }
    return $null
}

function Get-FileAccessRules {
    # A file's access rules by SID. Through FileInfo rather than Get-Acl: the provider needs to list the
    # parent folder, which a hardened MachineKeys folder refuses even when the file's own ACL is readable.
    param([string]$Path)
    $security = [System.IO.FileInfo]::new($Path).GetAccessControl([System.Security.AccessControl.AccessControlSections]::Access)
    return @($security.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))
}

function ConvertTo-AsciiJson {
    # Compact JSON with every non-ASCII character escaped (\uXXXX): the line then reads the same whatever
    # code page the output goes through, and its length is its size in bytes.
    param([object]$Value)
    $json = $Value | ConvertTo-Json -Compress -Depth 6
    return [regex]::Replace($json, '[^\x00-\x7F]', { param($match) '\u{0:x4}' -f [int][char]$match.Value })
}

function ConvertTo-ResultJson {
    # The result object as the JSON of the result line, at most $MaxResultBytes long. Sizes are measured on
    # the serialized text, because Windows PowerShell 5.1 writes ' < > & as \u0027 \u003c \u003e \u0026 (six
    # bytes each). Action lines go first (last ones first, with a note of how many), then the message is
    # shortened; recorded changes are never dropped: they are the record of what was changed.
    param([System.Collections.IDictionary]$Result)
    $json = ConvertTo-AsciiJson -Value $Result
    if ($json.Length -le $MaxResultBytes) {
        return $json
    }
    if ($Result.Contains('actions')) {
        $lines = @($Result['actions'])
        $kept = $lines.Count
        while ($kept -gt 0 -and $json.Length -gt ($MaxResultBytes - 80)) {
            $kept -= 1
            if ($kept -eq 0) {
                $Result['actions'] = @()
            }
            else {
                $Result['actions'] = @($lines[0..($kept - 1)])
            }
            $json = ConvertTo-AsciiJson -Value $Result
        }
        if ($kept -lt $lines.Count) {
            $Result['actions'] = @($Result['actions']) + @(('({0} action lines cut to fit the output window)' -f ($lines.Count - $kept)))
            $json = ConvertTo-AsciiJson -Value $Result
        }
    }
    if ($json.Length -gt $MaxResultBytes -and $Result.Contains('message')) {
        $Result['message'] = Limit-Text -Text $Result['message'] -Max 120
        $json = ConvertTo-AsciiJson -Value $Result
    }
    return $json
}

function ConvertTo-UtcText {
    # A DateTime as the result protocol carries times: UTC, ISO 8601 to the second, 'Z'. The 's' format is
    # culture-invariant (a custom ':' would become the culture's time separator), so no guest locale shows through.
    param([Parameter(Mandatory = $true)][datetime]$Value)
    return $Value.ToUniversalTime().ToString('s', [System.Globalization.CultureInfo]::InvariantCulture) + 'Z'
}

function Limit-Text {
    # Caps free text (captions, process names, messages) so the result line stays far below Run Command's
    # 4 KB output window. Every caller passes -Max.
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

function Get-SidFileRights {
    # The file rights one SID is allowed and denied by a file's access rules, as two masks. Generic rights can
    # survive in ACEs written by tools; they are mapped to the file rights they stand for.
    param([object[]]$Rules, [string]$Sid)
    $allowed = 0
    $denied = 0
    foreach ($rule in $Rules) {
        if ($rule.IdentityReference.Value -ne $Sid) {
            continue
        }
        $mask = [int]$rule.FileSystemRights
        if ($mask -band 268435456) {
            $mask = $mask -bor $FullControlMask
        }
        if ($mask -band -2147483648) {
            $mask = $mask -bor $ReadMask
        }
        if ([string]$rule.AccessControlType -eq 'Allow') {
            $allowed = $allowed -bor $mask
        }
        else {
            $denied = $denied -bor $mask
        }
    }
    return [ordered]@{ allowed = $allowed; denied = $denied }
}
# ---- end of common-read.ps1
