using System.Security.Cryptography;
using System.Text;

namespace Ecosystem.Host.Auth;

/// <summary>
/// Key format: <c>eco_{id}_{secret}</c>. The id is public (it names the key in logs and in
/// <c>DELETE /api/api-keys/{id}</c>); only a SHA-256 hash of the secret is stored. The secret has
/// 256 bits of entropy, so a fast hash is enough: there is nothing to brute-force.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "eco_";

    public static (string Id, string Key, byte[] SecretHash) Mint()
    {
        var id = Base64Url(RandomNumberGenerator.GetBytes(9));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    public static bool TryParse(string key, out string id, out byte[] secretHash)
    {
        id = "";
        secretHash = [];
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length > 200)
        {
            return false;
        }

        // Ids are 12 base64url characters; '_' may occur inside them, so split at a fixed position.
        var rest = key.AsSpan(Prefix.Length);
        if (rest.Length < 14 || rest[12] != '_')
        {
            return false;
        }

        id = rest[..12].ToString();
        secretHash = Hash(rest[13..].ToString());
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
