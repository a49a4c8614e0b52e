using Ecosystem.Domain.Partners;

namespace Ecosystem.Domain.Tests.Partners;

public class LifecycleTests
{
    private static readonly DateTimeOffset Applied = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_partner_goes_from_applied_to_onboarding_to_active_and_its_activation_days_are_counted_from_the_terms()
    {
        var nda = Applied.AddDays(1);
        var terms = Applied.AddDays(3);
        var firstDeal = terms.AddDays(12).AddHours(6);

        Assert.Equal(LifecycleStages.Applied, Lifecycle.Stage(null, null, null, null, Applied));
        Assert.Equal(LifecycleStages.Onboarding, Lifecycle.Stage(nda, null, null, nda, nda));
        Assert.Equal(LifecycleStages.Onboarding, Lifecycle.Stage(nda, terms, null, terms, terms));
        Assert.Equal(LifecycleStages.Active, Lifecycle.Stage(nda, terms, firstDeal, firstDeal, firstDeal));

        Assert.Null(Lifecycle.ActivationDays(terms, null));
        Assert.Null(Lifecycle.ActivationDays(null, firstDeal));
        Assert.Equal(12.3m, Lifecycle.ActivationDays(terms, firstDeal)); // 12.25 days, half away from zero
    }

    [Fact]
    public void Signing_the_program_terms_alone_starts_onboarding()
    {
        Assert.Equal(LifecycleStages.Onboarding, Lifecycle.Stage(null, Applied, null, null, Applied.AddDays(400)));
    }

    [Fact]
    public void Activation_before_signing_the_terms_counts_as_zero_days()
    {
        Assert.Equal(0m, Lifecycle.ActivationDays(Applied.AddDays(2), Applied));
    }

    [Theory]
    [InlineData(0, LifecycleStages.Active)]
    [InlineData(59.9, LifecycleStages.Active)]
    [InlineData(60, LifecycleStages.Dormant)]
    [InlineData(179.9, LifecycleStages.Dormant)]
    [InlineData(180, LifecycleStages.Churned)]
    [InlineData(1000, LifecycleStages.Churned)]
    public void An_active_partner_turns_dormant_after_60_idle_days_and_churned_after_180(double idleDays, string expected)
    {
        var activated = Applied.AddDays(10);
        var last = activated.AddDays(5);

        Assert.Equal(expected, Lifecycle.Stage(Applied, Applied, activated, last, last.AddDays(idleDays)));
    }

    [Fact]
    public void The_thresholds_are_parameters()
    {
        var activated = Applied;

        Assert.Equal(LifecycleStages.Dormant, Lifecycle.Stage(null, Applied, activated, activated, activated.AddDays(10), dormantAfterDays: 10, churnedAfterDays: 20));
        Assert.Equal(LifecycleStages.Churned, Lifecycle.Stage(null, Applied, activated, activated, activated.AddSeconds(2), dormantAfterDays: 1m / 86_400, churnedAfterDays: 2m / 86_400));
    }

    [Fact]
    public void Thresholds_must_be_positive_and_churn_must_come_after_dormancy()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Lifecycle.Stage(null, null, null, null, Applied, dormantAfterDays: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lifecycle.Stage(null, null, null, null, Applied, dormantAfterDays: 60, churnedAfterDays: 60));
    }

    [Fact]
    public void New_activity_makes_a_dormant_partner_active_again()
    {
        var activated = Applied;
        var dormantAt = activated.AddDays(70);
        Assert.Equal(LifecycleStages.Dormant, Lifecycle.Stage(null, Applied, activated, activated, dormantAt));

        var login = dormantAt.AddMinutes(5);

        Assert.Equal(LifecycleStages.Active, Lifecycle.Stage(null, Applied, activated, login, login));
    }

    [Fact]
    public void A_churned_partner_that_comes_back_is_active_again()
    {
        var activated = Applied;
        var back = activated.AddDays(365);

        Assert.Equal(LifecycleStages.Churned, Lifecycle.Stage(null, Applied, activated, activated, back));
        Assert.Equal(LifecycleStages.Active, Lifecycle.Stage(null, Applied, activated, back, back));
    }

    [Fact]
    public void Idle_time_counts_from_the_activation_when_no_later_activity_is_known()
    {
        var activated = Applied.AddDays(100);

        Assert.Equal(LifecycleStages.Active, Lifecycle.Stage(null, Applied, activated, Applied, activated.AddDays(30)));
    }
}
