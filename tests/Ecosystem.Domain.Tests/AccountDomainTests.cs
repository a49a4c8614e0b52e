using Ecosystem.Domain.Accounts;

namespace Ecosystem.Domain.Tests;

public class AccountDomainTests
{
    [Theory]
    [InlineData("acme.com", "acme.com")]
    [InlineData("Acme.com", "acme.com")]
    [InlineData("ACME.COM", "acme.com")]
    [InlineData("  acme.com  ", "acme.com")]
    [InlineData(" ACME.COM ", "acme.com")]
    [InlineData("\tacme.com\n", "acme.com")]
    [InlineData("www.acme.com", "acme.com")]
    [InlineData("WWW.Acme.Com", "acme.com")]
    [InlineData("acme.com.", "acme.com")]
    [InlineData("acme.com..", "acme.com")]
    [InlineData("www.acme.com.", "acme.com")]
    [InlineData("https://acme.com", "acme.com")]
    [InlineData("http://acme.com", "acme.com")]
    [InlineData("HTTPS://WWW.ACME.COM", "acme.com")]
    [InlineData("acme.com/about", "acme.com")]
    [InlineData("https://acme.com/about/team?ref=partner#contact", "acme.com")]
    [InlineData("acme.com?utm_source=x", "acme.com")]
    [InlineData("acme.com#top", "acme.com")]
    [InlineData("acme.com:8443", "acme.com")]
    [InlineData("https://www.acme.com:443/", "acme.com")]
    [InlineData("acme.com.:8080", "acme.com")]
    [InlineData("https://user:secret@acme.com:8443/path", "acme.com")]
    public void A_domain_is_normalized(string typed, string expected)
    {
        Assert.Equal(expected, AccountDomain.Normalize(typed));
    }

    [Fact]
    public void Every_way_a_partner_types_the_same_company_names_one_account()
    {
        string[] typed = ["Acme.com", "www.acme.com.", "https://acme.com/about", " ACME.COM ", "http://WWW.ACME.COM:80/", "acme.com"];

        Assert.Single(typed.Select(AccountDomain.Normalize).Distinct(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("eu.acme.com")]
    [InlineData("acme.co.uk")]
    [InlineData("wwwidgets.com")]
    [InlineData("www2.acme.com")]
    [InlineData("xn--bcher-kva.de")]
    public void A_domain_that_is_already_normal_is_kept_as_it_is(string domain)
    {
        Assert.Equal(domain, AccountDomain.Normalize(domain));
    }

    [Fact]
    public void A_subdomain_stays_a_different_account_from_its_parent()
    {
        Assert.NotEqual(AccountDomain.Normalize("eu.acme.com"), AccountDomain.Normalize("acme.com"));
    }

    [Fact]
    public void Only_a_leading_www_label_is_removed()
    {
        Assert.Equal("shop.www.acme.com", AccountDomain.Normalize("shop.www.acme.com"));
    }

    [Theory]
    [InlineData("www.")]
    [InlineData("WWW.")]
    [InlineData(" www. ")]
    public void Www_alone_does_not_collapse_to_empty(string typed)
    {
        var normalized = AccountDomain.Normalize(typed);

        Assert.False(string.IsNullOrWhiteSpace(normalized));
        Assert.StartsWith("www", normalized, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://", "https://")]
    [InlineData("HTTPS://", "https://")]
    [InlineData(" http:// ", "http://")]
    public void A_value_that_normalizes_to_nothing_is_kept_as_typed_in_lower_case(string typed, string expected)
    {
        Assert.Equal(expected, AccountDomain.Normalize(typed));
    }

    [Fact]
    public void Values_that_normalize_to_nothing_do_not_all_become_the_same_account()
    {
        Assert.NotEqual(AccountDomain.Normalize("www."), AccountDomain.Normalize("https://"));
    }

    [Theory]
    [InlineData("Acme.com")]
    [InlineData("https://www.Acme.com/about")]
    [InlineData("acme.com.:8080")]
    [InlineData("www.")]
    [InlineData("https://")]
    public void Normalizing_twice_gives_the_same_result_as_normalizing_once(string typed)
    {
        var once = AccountDomain.Normalize(typed);

        Assert.Equal(once, AccountDomain.Normalize(once));
    }

    [Fact]
    public void Unicode_domains_are_lowercased_without_the_current_culture()
    {
        Assert.Equal("bücher.de", AccountDomain.Normalize("BÜCHER.DE"));
    }

    [Fact]
    public void A_null_account_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => AccountDomain.Normalize(null!));
    }

    [Theory]
    [InlineData("www.com", "www.com")]
    [InlineData("www.www.acme.com", "acme.com")]
    [InlineData("[::1]:8080", "[::1]")]
    public void Www_is_stripped_only_in_front_of_a_real_domain_and_ipv6_literals_keep_their_colons(string input, string expected)
    {
        Assert.Equal(expected, AccountDomain.Normalize(input));
    }

    [Theory]
    [InlineData("www.www.acme.com")]
    [InlineData("https://WWW.Acme.com./about")]
    [InlineData("www.com")]
    public void Normalizing_twice_changes_nothing_more(string input)
    {
        var once = AccountDomain.Normalize(input);
        Assert.Equal(once, AccountDomain.Normalize(once));
    }
}
