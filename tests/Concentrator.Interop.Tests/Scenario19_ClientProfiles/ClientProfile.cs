namespace Concentrator.Interop.Tests.Scenario19_ClientProfiles;

/// <summary>
/// What a built-in IKEv2 client proposes by default, written as strongSwan proposals so a strongSwan road warrior can
/// stand in for it, and what our gateway (with <see cref="ClientProfilesTests.GatewayIke"/>) must choose from it.
/// </summary>
internal sealed record ClientProfile(string Name, string Identity, string[] Ike, string[] Esp, string ChosenIke, string ChosenEsp)
{
    /// <summary>
    /// Windows 10/11 without a custom IPsec policy: AES-256-CBC, SHA-1, MODP-1024 (Diffie-Hellman group 2) for IKE and
    /// AES-256-CBC with HMAC-SHA1-96 for ESP; strongSwan's interop notes (docs.strongswan.org, "Windows Clients") list
    /// MODP-1024 as what Windows proposes unless the connection is configured otherwise (Set-VpnConnectionIPsecConfiguration).
    /// </summary>
    public static readonly ClientProfile Windows = new("windows", "windows@e2e.test",
        ["aes256-sha1-modp1024"], ["aes256-sha1"],
        "AES_CBC-256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024", "ESP:AES_CBC-256/HMAC_SHA1_96");

    /// <summary>Windows configured for a stronger group (Set-VpnConnectionIPsecConfiguration -EncryptionMethod AES256
    /// -IntegrityCheckMethod SHA256 -DHGroup Group14): IKE aes256-sha256-modp2048, ESP still aes256-sha1.</summary>
    public static readonly ClientProfile WindowsDh2048 = new("windows-dh2048", "windows-dh2048@e2e.test",
        ["aes256-sha256-modp2048"], ["aes256-sha1"],
        "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", "ESP:AES_CBC-256/HMAC_SHA1_96");

    /// <summary>
    /// macOS 11+ / iOS 14+: Apple's NEVPNIKEv2SecurityAssociationParameters defaults (developer.apple.com,
    /// NetworkExtension: encryptionAlgorithm AES-256, integrityAlgorithm SHA2-256 with the PRF inferred from it,
    /// diffieHellmanGroup 14), the same for the CHILD SA (its group only with enablePFS).
    /// </summary>
    public static readonly ClientProfile Apple = new("apple", "apple@e2e.test",
        ["aes256-sha256-modp2048"], ["aes256-sha256"],
        "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", "ESP:AES_CBC-256/HMAC_SHA2_256_128");

    /// <summary>
    /// Android 11+'s platform IKEv2 client (AOSP frameworks/base VpnIkev2Utils.getIkeSaProposals and
    /// getChildSaProposals): a normal-mode proposal (AES-CBC 256/192/128 with HMAC-SHA2-512/384/256) and an AEAD one
    /// (ChaCha20-Poly1305, AES-GCM 16/12/8 at 256/192/128), both with groups MODP-4096, Curve25519, MODP-3072,
    /// MODP-2048 in that order and PRFs SHA2-512/384/256, SHA-1. Left out: AES-CTR and AES-XCBC/CMAC, which the lab's
    /// charon has no plugins for. Its first proposal's first group is MODP-4096, so its KE payload is refused with
    /// INVALID_KE_PAYLOAD and it retries with the gateway's Curve25519.
    /// </summary>
    public static readonly ClientProfile Android = new("android", "android@e2e.test",
        [
            "aes256-aes192-aes128-sha512-sha384-sha256-prfsha512-prfsha384-prfsha256-prfsha1-modp4096-curve25519-modp3072-modp2048",
            "chacha20poly1305-aes256gcm16-aes256gcm12-aes256gcm8-aes192gcm16-aes192gcm12-aes192gcm8-aes128gcm16-aes128gcm12-aes128gcm8-prfsha512-prfsha384-prfsha256-prfsha1-modp4096-curve25519-modp3072-modp2048",
        ],
        [
            "aes256-aes192-aes128-sha512-sha384-sha256",
            "chacha20poly1305-aes256gcm16-aes256gcm12-aes256gcm8-aes192gcm16-aes192gcm12-aes192gcm8-aes128gcm16-aes128gcm12-aes128gcm8",
        ],
        "AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519", "ESP:AES_GCM_16-256");

    /// <summary>The swanctl connection of this client, child "lan".</summary>
    public string SwanctlConnection(string gateway, string gatewayId) => SwanctlConnections.Connection(Name, gateway, SwanctlConnections.Psk(Identity),
        SwanctlConnections.Psk(gatewayId), string.Join(", ", Ike), string.Join(", ", Esp));

    /// <summary>A swanctl.conf with <paramref name="profiles"/> and the lab's PSK for any identity.</summary>
    public static string SwanctlConf(RoadWarriorLab lab, params ClientProfile[] profiles) => $$"""
        connections {
            {{string.Join("\n", profiles.Select(p => p.SwanctlConnection(lab.GatewayAddress.ToString(), lab.GatewayId)))}}
        }
        secrets {
            ike-any {
                secret = "{{lab.Psk}}"
            }
        }
        """;
}
