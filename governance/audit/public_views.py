"""The public face of the audit trail: the signing keys and the signed checkpoints.

Published where the database cannot reach back once copied (browsers, feed readers,
auditors' archives): a history rewritten later contradicts them.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control

from governance.audit import chain, signing
from governance.audit.selectors import public_checkpoints

PAGE_SIZE = 100


@cache_control(max_age=300, public=True)
def keys(request):
    """``keys.json``: the public keys that verify the trail (``chain.py --keys``)."""
    return HttpResponse(signing.keys_json(), content_type="application/json")


def checkpoints(request):
    points = list(public_checkpoints()[:PAGE_SIZE])
    current = signing.signing_key()
    return render(
        request,
        "public/checkpoints.html",
        {
            "checkpoints": points,
            "key_id": current.key_id,
            "public_key": signing.keys_document()["keys"][0]["public_key"],
            "message_format": chain.CHECKPOINT_PREFIX.replace("\n", "\\n")
            + "<seq>\\n<hash>\\n<signed at>",
        },
    )


@cache_control(max_age=300, public=True)
def checkpoints_jsonl(request):
    """The checkpoints as JSON lines, the form ``verify_audit --checkpoints`` reads."""
    body = "".join(chain.canonical_json(p.as_record()) + "\n" for p in public_checkpoints())
    return HttpResponse(body, content_type="application/jsonl; charset=utf-8")


class CheckpointsFeed(Feed):
    """Atom feed of signed audit trail checkpoints, for auditors to archive."""

    feed_type = Atom1Feed
    title = "Audit trail checkpoints"
    subtitle = (
        "The audit trail's chain head, signed daily and at every published board pack. "
        "Verify with the public keys at /public/audit/keys.json."
    )

    def link(self):
        return reverse("audit-public:checkpoints")

    def items(self):
        return public_checkpoints()[:PAGE_SIZE]

    def item_title(self, item):
        return f"Checkpoint at event {item.seq}"

    def item_description(self, item):
        return (
            f"{item.text()}. Signature (Ed25519, base64): {item.signature}. "
            f"JSON: {chain.canonical_json(item.as_record())}"
        )

    def item_link(self, item):
        return reverse("audit-public:checkpoints") + f"#checkpoint-{item.pk}"

    def item_guid(self, item):
        return f"tag:ics-governance,2026:audit-checkpoint-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.signed_at

    def item_updateddate(self, item):
        return item.signed_at
