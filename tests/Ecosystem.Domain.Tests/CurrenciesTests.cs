using System.Globalization;
using Ecosystem.Domain.Money;

namespace Ecosystem.Domain.Tests;

public class CurrenciesTests
{
    [Theory]
    [InlineData("USD", 2)]
    [InlineData("EUR", 2)]
    [InlineData("GBP", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("CLP", 0)]
    [InlineData("BHD", 3)]
    [InlineData("KWD", 3)]
    [InlineData("OMR", 3)]
    public void Each_currency_knows_the_digits_of_its_minor_unit(string code, int digits)
    {
        Assert.True(Currencies.IsKnown(code));
        Assert.Equal(digits, Currencies.MinorUnitDigits(code));
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("Usd")]
    [InlineData("XYZ")]
    [InlineData("XXX")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData("")]
    [InlineData(" USD")]
    public void Codes_outside_the_list_or_not_in_upper_case_are_unknown(string code)
    {
        Assert.False(Currencies.IsKnown(code));
    }

    [Fact]
    public void Asking_the_minor_unit_of_an_unknown_currency_throws_naming_the_code()
    {
        var ex = Assert.Throws<ArgumentException>(() => Currencies.MinorUnitDigits("XYZ"));

        Assert.Contains("XYZ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rounding_in_an_unknown_currency_throws()
    {
        Assert.Throws<ArgumentException>(() => Currencies.Round(1.5m, "usd"));
    }

    [Theory]
    [InlineData("USD", "2.345", "2.35")]
    [InlineData("USD", "2.355", "2.36")]
    [InlineData("USD", "-2.345", "-2.35")]
    [InlineData("USD", "2.344", "2.34")]
    [InlineData("JPY", "0.5", "1")]
    [InlineData("JPY", "1.5", "2")]
    [InlineData("JPY", "2.5", "3")]
    [InlineData("JPY", "-0.5", "-1")]
    [InlineData("BHD", "1.0005", "1.001")]
    [InlineData("BHD", "1.0004", "1.000")]
    public void Rounding_is_to_the_minor_unit_half_away_from_zero(string code, string amount, string expected)
    {
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), Currencies.Round(decimal.Parse(amount, CultureInfo.InvariantCulture), code));
    }

    [Fact]
    public void Rounding_does_not_use_bankers_rounding()
    {
        // Banker's rounding would give 0.12 and 2 here.
        Assert.Equal(0.13m, Currencies.Round(0.125m, "EUR"));
        Assert.Equal(3m, Currencies.Round(2.5m, "JPY"));
    }

    [Fact]
    public void An_amount_already_at_the_minor_unit_is_unchanged()
    {
        Assert.Equal(19.99m, Currencies.Round(19.99m, "USD"));
        Assert.Equal(12.345m, Currencies.Round(12.345m, "BHD"));
        Assert.Equal(1000m, Currencies.Round(1000m, "JPY"));
    }

    [Fact]
    public void The_list_holds_the_contract_examples_and_only_three_letter_upper_case_codes()
    {
        var all = Currencies.All.ToList();

        Assert.Contains("USD", all);
        Assert.Contains("JPY", all);
        Assert.Contains("BHD", all);
        Assert.All(all, code => Assert.Matches("^[A-Z]{3}$", code));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_listed_currency_has_0_to_3_minor_digits()
    {
        Assert.All(Currencies.All, code => Assert.InRange(Currencies.MinorUnitDigits(code), 0, 3));
    }
}
