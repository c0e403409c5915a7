"""The signing keys of a tenant's SAML identity provider: made on first use, rotated without an outage.

Atlassian pins the certificate the admin pasted; it accepts one at a time. So a rotation is two steps:
`idp_key_prepare_next` makes a NEXT key, published in the metadata beside the CURRENT one while the admin
pastes the new certificate into Atlassian; `idp_key_promote` then makes it CURRENT (it signs from then on)
and retires the old one. The private key is an EncryptedTextField, like every secret of the gateway
(`manage.py rotate_secrets` re-encrypts it with the rest).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from sso_gateway import saml
from tenants.models import SamlIdpKey, Tenant

State = SamlIdpKey.State


class NoNextKey(Exception):
    """Promote was asked for, but no next key was prepared."""


def _new_key(*, tenant: Tenant, state: str) -> SamlIdpKey:
    key_pem, cert_pem = saml.self_signed_certificate(f"{tenant.slug} SAML identity provider (JSM SSO Gateway)")
    return SamlIdpKey.objects.create(tenant=tenant, state=state, private_key=key_pem, certificate=cert_pem)


def idp_key_current(*, tenant: Tenant) -> SamlIdpKey:
    """The key that signs: made on first use (two first uses racing meet on the one-current constraint)."""
    key = SamlIdpKey.objects.filter(tenant=tenant, state=State.CURRENT).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _new_key(tenant=tenant, state=State.CURRENT)
    except IntegrityError:
        return SamlIdpKey.objects.get(tenant=tenant, state=State.CURRENT)


def idp_keys_published(*, tenant: Tenant) -> list[SamlIdpKey]:
    """What the metadata lists: the current key, then the next one while a rotation is under way.

    Certificates only: the private keys are not even decrypted (a changed GATEWAY_ENCRYPTION_KEYS must not
    take the metadata down with the signing).
    """
    if not SamlIdpKey.objects.filter(tenant=tenant, state=State.CURRENT).exists():
        idp_key_current(tenant=tenant)
    keys = SamlIdpKey.objects.filter(tenant=tenant, state__in=[State.CURRENT, State.NEXT]).defer("private_key")
    return sorted(keys, key=lambda key: key.state != State.CURRENT)


def idp_key_prepare_next(*, tenant: Tenant) -> SamlIdpKey:
    """A fresh NEXT key (an unpromoted one before it is retired): publish it, then paste it into Atlassian."""
    idp_key_current(tenant=tenant)
    with transaction.atomic():
        SamlIdpKey.objects.filter(tenant=tenant, state=State.NEXT).update(
            state=State.RETIRED, retired_at=timezone.now()
        )
        return _new_key(tenant=tenant, state=State.NEXT)


def idp_key_promote(*, tenant: Tenant) -> SamlIdpKey:
    """The NEXT key becomes CURRENT and signs from now on; the old current key is retired (out of the metadata)."""
    with transaction.atomic():
        upcoming = SamlIdpKey.objects.select_for_update().filter(tenant=tenant, state=State.NEXT).first()
        if upcoming is None:
            raise NoNextKey(f"tenant {tenant.slug!r} has no next key to promote: prepare one first.")
        now = timezone.now()
        SamlIdpKey.objects.filter(tenant=tenant, state=State.CURRENT).update(state=State.RETIRED, retired_at=now)
        SamlIdpKey.objects.filter(pk=upcoming.pk).update(state=State.CURRENT, promoted_at=now)
    upcoming.refresh_from_db()
    return upcoming
