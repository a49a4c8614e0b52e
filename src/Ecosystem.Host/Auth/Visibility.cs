using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Keys;
using Ecosystem.Contracts.Leads;
using Ecosystem.Grains;

namespace Ecosystem.Host.Auth;

/// <summary>
/// What a key may see, in one place for the REST API and the hub. Admin and rep keys see everything; a partner key sees
/// its own partner, the deals it is part of (registered, touched, or an approved claim: a pending claim gives no
/// access), the leads offered to it, and its own integrations. Where existence itself must not leak, callers answer 404
/// for "not yours" exactly as for "does not exist".
/// </summary>
public sealed class Visibility(GrainLookup grains)
{
    public async Task<bool> CanSeeDealAsync(Principal who, string dealId) =>
        !who.IsPartner || await grains.Get<IDealGrain>(dealId).IsParticipant(who.PartnerId!);

    public static bool CanSeePartner(Principal who, string partnerId) => !who.IsPartner || who.PartnerId == partnerId;

    public static bool CanSeeLead(Principal who, LeadView lead) =>
        !who.IsPartner || lead.OfferedTo == who.PartnerId || lead.History.Any(h => h.PartnerId == who.PartnerId);

    public static bool CanSeeIntegration(Principal who, IntegrationView integration) => !who.IsPartner || integration.PartnerId == who.PartnerId;
}
