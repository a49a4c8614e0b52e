using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Keys;
using Ecosystem.Domain.Events;
using Ecosystem.Grains;

namespace Ecosystem.Host.Intake;

/// <summary>
/// What each kind of key may send. Admin: everything. Rep: deal and lead activity. Partner: only as itself: events
/// naming its own partnerId, partnerless deal events for deals it is part of, and validation and error reports of
/// integrations it owns; never registration or claim reviews, churn reports, installs, uninstalls or listing views
/// (those come from the channel team's systems). Rules that depend on an entity's state (is the registration pending,
/// does the partner hold the lead) are not checked here: the grain holding that state decides them in its own turn.
/// </summary>
public sealed class EventPermissions(GrainLookup grains)
{
    /// <summary><see cref="Denied"/>: why the key may not send it. <see cref="DecidedByGrain"/>: its grain must decide it before it is logged.</summary>
    public readonly record struct Verdict(string? Denied, bool DecidedByGrain)
    {
        public static readonly Verdict Allowed = new(null, false);
        public static readonly Verdict ToGrain = new(null, true);

        public static Verdict Deny(string reason) => new(reason, false);
    }

    /// <param name="joinedInBatch">Deals this partner registered earlier in the same request.</param>
    public async ValueTask<Verdict> CheckAsync(Principal who, ActivityEvent e, HashSet<string> joinedInBatch)
    {
        var verdict = await CheckKeyAsync(who, e, joinedInBatch);
        return verdict.Denied is null && e.Type is EventTypes.DealRegistrationReviewed or EventTypes.DealClaimReviewed
            or EventTypes.LeadAccepted or EventTypes.LeadDeclined or EventTypes.LeadConverted
            ? Verdict.ToGrain
            : verdict;
    }

    private async ValueTask<Verdict> CheckKeyAsync(Principal who, ActivityEvent e, HashSet<string> joinedInBatch)
    {
        if (e.Type == EventTypes.DealMessage && !who.IsAdmin && e.Author != who.DisplayName)
        {
            // Only the channel team's imports may speak for someone else.
            return Verdict.Deny("author: must be the sender");
        }

        if (who.IsAdmin)
        {
            return Verdict.Allowed;
        }

        if (who.IsRep && e.Type is EventTypes.LeadAccepted or EventTypes.LeadDeclined)
        {
            return Verdict.Deny("only the partner holding the offer (or an admin) may answer it");
        }

        if (who.IsRep)
        {
            return EventTypes.IsDealEvent(e.Type) || EventTypes.IsLeadEvent(e.Type)
                ? Verdict.Allowed
                : Verdict.Deny("a rep key may send deal and lead events only");
        }

        var self = who.PartnerId!;
        switch (e.Type)
        {
            case EventTypes.DealRegistrationReviewed:
                return Verdict.Deny("only an admin or rep may review a registration");
            case EventTypes.DealClaimReviewed:
                return Verdict.Deny("only an admin or rep may review a claim");
            case EventTypes.IntegrationValidationReported:
            case EventTypes.IntegrationErrorReported:
                // The owning technology partner reports its own integration's evidence; an unknown integration gets the same answer.
                return await grains.Get<IIntegrationGrain>(e.IntegrationId!).GetOwner() == self
                    ? Verdict.Allowed
                    : Verdict.Deny($"integration '{e.IntegrationId}' is not an integration of partner '{self}'");
            case EventTypes.AccountChurned:
            case EventTypes.MarketplaceViewed:
            case var t when t.StartsWith("integration.", StringComparison.Ordinal):
                return Verdict.Deny($"a partner key may not send {e.Type} events");
            case EventTypes.LeadSubmitted:
                return e.Source == "partner" && e.SourcePartnerId == self
                    ? Verdict.Allowed
                    : Verdict.Deny("a partner may submit leads only with source 'partner' and its own sourcePartnerId");
            case EventTypes.LeadConverted:
                // The lead knows who holds it, and decides.
                return Verdict.ToGrain;
        }

        if (e.PartnerId is not null)
        {
            if (e.PartnerId != self)
            {
                return Verdict.Deny($"partnerId must be this key's partner '{self}'");
            }

            if (e.Type == EventTypes.DealRegistered)
            {
                joinedInBatch.Add(e.DealId!);
            }
            else if (e.Type == EventTypes.DealTouch)
            {
                // A participant's touch counts at once, and a participant stays one; anyone else's touch is a claim,
                // which only the deal can tell.
                return joinedInBatch.Contains(e.DealId!) || await IsParticipantAsync(e.DealId!, self) ? Verdict.Allowed : Verdict.ToGrain;
            }

            return Verdict.Allowed;
        }

        if (e.DealId is not null)
        {
            return joinedInBatch.Contains(e.DealId) || await IsParticipantAsync(e.DealId, self)
                ? Verdict.Allowed
                : Verdict.Deny($"partner '{self}' is not part of deal '{e.DealId}'");
        }

        return Verdict.Deny($"a partner key may not send {e.Type} events");
    }

    private Task<bool> IsParticipantAsync(string dealId, string partnerId) => grains.Get<IDealGrain>(dealId).IsParticipant(partnerId);
}
