using System.Collections.Frozen;

namespace Ecosystem.Domain.Money;

/// <summary>ISO-4217 codes this engine accepts, with the number of digits of their minor unit.</summary>
public static class Currencies
{
    private static readonly FrozenDictionary<string, int> MinorUnits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AED"] = 2, ["ARS"] = 2, ["AUD"] = 2, ["BGN"] = 2, ["BHD"] = 3, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2,
        ["CLP"] = 0, ["CNY"] = 2, ["COP"] = 2, ["CZK"] = 2, ["DKK"] = 2, ["EGP"] = 2, ["EUR"] = 2, ["GBP"] = 2,
        ["HKD"] = 2, ["HUF"] = 2, ["IDR"] = 2, ["ILS"] = 2, ["INR"] = 2, ["ISK"] = 0, ["JOD"] = 3, ["JPY"] = 0,
        ["KRW"] = 0, ["KWD"] = 3, ["MXN"] = 2, ["MYR"] = 2, ["NGN"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["OMR"] = 3,
        ["PEN"] = 2, ["PHP"] = 2, ["PKR"] = 2, ["PLN"] = 2, ["QAR"] = 2, ["RON"] = 2, ["SAR"] = 2, ["SEK"] = 2,
        ["SGD"] = 2, ["THB"] = 2, ["TND"] = 3, ["TRY"] = 2, ["TWD"] = 2, ["UAH"] = 2, ["USD"] = 2, ["VND"] = 0,
        ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsKnown(string code) => MinorUnits.ContainsKey(code);

    public static int MinorUnitDigits(string code) =>
        MinorUnits.TryGetValue(code, out var digits) ? digits : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// <summary>Rounds to the currency's minor unit, half away from zero (the usual commercial rounding).</summary>
    public static decimal Round(decimal amount, string code) =>
        Math.Round(amount, MinorUnitDigits(code), MidpointRounding.AwayFromZero);

    public static IEnumerable<string> All => MinorUnits.Keys;
}
