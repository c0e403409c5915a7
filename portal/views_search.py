"""Search on the help center: "What can we help you with?".

One box searches what the customer may use: the request types of the desks the access rules admit
(`portal.access.desks_for`, `catalogue_for`: restricted types and desks stay out), by name and description,
and, where the site has a knowledge base, JSM's article search of those desks
(GET servicedesk/{id}/knowledgebase/article: only the knowledge bases linked to desks they may use; never the
search across every desk, which would show articles of desks they may not use).

A site without a knowledge base (403, the documented refusal, or 404 from that endpoint) shows request types
only; Jira down or a tenant without a Jira connection shows what the metadata cache still holds, with a
short notice: never an error page. Excerpts are shown as text: JSM's highlight marks
(`@@@hl@@@term@@@endhl@@@`) become <mark>, anything else in them (markup included) is escaped by the template.
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from portal import access, jsm
from portal.jira_portal import jira_portal_url
from portal.pages import portal_page
from providers.oidc.views import sign_in_redirect
from providers.sessions import customer_get
from tenants.jira import errors as jira_errors
from tenants.jira.types import Article, RequestType
from tenants.models import ServiceDesk
from tenants.services import NoJiraConnection

logger = logging.getLogger(__name__)

MAX_QUERY = 100
#: Desks whose knowledge base is searched (one Jira call each), and articles shown.
MAX_DESKS = 5
MAX_ARTICLES = 10
HIGHLIGHT = re.compile(r"@@@hl@@@(.*?)@@@endhl@@@", re.DOTALL)
MARKS = re.compile(r"@@@(?:end)?hl@@@")
PAGE_ID = re.compile(r"^[0-9]{1,20}$")


@dataclass(frozen=True)
class TypeFound:
    desk: ServiceDesk
    request_type: RequestType


@dataclass(frozen=True)
class ArticleFound:
    title: str
    #: (text, highlighted) pieces of the excerpt, shown as text
    excerpt: tuple[tuple[str, bool], ...]
    url: str


def query_words(text: str) -> list[str]:
    return " ".join((text or "").split())[:MAX_QUERY].lower().split()


def type_matches(request_type: RequestType, words: list[str]) -> bool:
    """Every word in the type's name or description (case-insensitive), as JSM's portal search matches."""
    haystack = f"{request_type.name} {request_type.description}".lower()
    return bool(words) and all(w in haystack for w in words)


def highlighted(text: str) -> tuple[tuple[str, bool], ...]:
    """JSM's highlighted text as (text, highlighted) pieces; stray marks are dropped."""
    pieces, at = [], 0
    for match in HIGHLIGHT.finditer(text):
        if match.start() > at:
            pieces.append((MARKS.sub("", text[at : match.start()]), False))
        pieces.append((MARKS.sub("", match.group(1)), True))
        at = match.end()
    if at < len(text):
        pieces.append((MARKS.sub("", text[at:]), False))
    return tuple(p for p in pieces if p[0])


def _web_url(url: str) -> str:
    parts = urlsplit(url or "")
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def article_url(article: Article, *, portal_url: str) -> str:
    """Where a result links: the source's own address if it names one, else the article in JSM's portal
    (`<portal>/article/<pageId>`, as JSM's help center links it), else its body (content.iframeSrc).
    Only http and https addresses; an article with none is listed without a link."""
    if url := _web_url(article.source_url):
        return url
    if PAGE_ID.match(article.page_id) and _web_url(portal_url):
        return f"{portal_url.rstrip('/')}/article/{article.page_id}"
    return _web_url(article.iframe_url)


def _request_types(*, customer, desks: list[ServiceDesk], words: list[str]) -> tuple[list[TypeFound], bool]:
    """The matching request types the customer may raise, desk by desk; True when a desk could not be read."""
    found, trouble = [], False
    for desk in desks:
        try:
            catalogue = access.catalogue_for(customer=customer, desk=desk)
        except (jira_errors.JiraError, NoJiraConnection) as exc:
            logger.info("Search: request types of desk %s not read: %s", desk.jira_id, exc)
            trouble = True
            continue
        found += [TypeFound(desk=desk, request_type=t) for t in catalogue.types if type_matches(t, words)]
    return found, trouble


def _articles(*, tenant, desks: list[ServiceDesk], text: str) -> tuple[list[ArticleFound], bool]:
    """Articles of the knowledge bases linked to the customer's desks; True when Jira could not be asked."""
    found, seen = [], set()
    try:
        client = jsm.client_for(tenant=tenant)
    except NoJiraConnection:
        return [], True
    for desk in desks[:MAX_DESKS]:
        try:
            articles = client.knowledge_base_articles(text, service_desk_id=desk.jira_id, limit=MAX_ARTICLES)
        except (jira_errors.JiraNotFound, jira_errors.JiraNotAdministrator):
            continue  # this desk has no knowledge base (or the service account may not read it)
        except jira_errors.JiraTransientError as exc:
            logger.info("Search: knowledge base not searched: %s", exc)
            return found, True
        except jira_errors.JiraError as exc:
            logger.warning("Search: Jira refused the knowledge base search of desk %s: %s", desk.jira_id, exc)
            continue
        portal_url = jira_portal_url(tenant=tenant, desk_id=desk.jira_id) if articles else ""
        for article in articles:
            key = article.page_id or article.title
            if key in seen or len(found) >= MAX_ARTICLES:
                continue
            seen.add(key)
            title = MARKS.sub("", article.title)
            found.append(
                ArticleFound(
                    title=title, excerpt=highlighted(article.excerpt), url=article_url(article, portal_url=portal_url)
                )
            )
    return found, False


@require_GET
@portal_page
def search(request, *, tenant_slug):
    tenant = request.tenant
    text = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    customer = customer_get(request, tenant=tenant)
    if customer is None:
        next_path = reverse("portal:search", args=[tenant.slug]) + (f"?{urlencode({'q': text})}" if text else "")
        return sign_in_redirect(request, tenant=tenant, next_path=next_path)
    words = query_words(text)
    desks = access.desks_for(customer=customer, tenant=tenant)
    types, articles, trouble = [], [], False
    if words and desks:
        types, types_trouble = _request_types(customer=customer, desks=desks, words=words)
        articles, articles_trouble = _articles(tenant=tenant, desks=desks, text=text)
        trouble = types_trouble or articles_trouble
    context = {
        "tenant": tenant,
        "customer": customer,
        "query": text,
        "searched": bool(words),
        "types": types,
        "articles": articles,
        "trouble": trouble,
    }
    response = render(request, "portal/search.html", context)
    response["Cache-Control"] = "no-store"
    return response
