"""Site chrome: the lines a web page carries besides its article, for training the model not to cut them.

A crawled page is more than its article: a cookie notice, a newsletter prompt, share and follow buttons,
a comment form's instructions, a copyright line, "related posts", a donation ask. They speak of
subscribing, signing up, offers and links, the vocabulary of spam, but they are the site talking about
itself, and cutting them is a false cut (a newsletter prompt is the most common one the hacked-site
benchmark found). The data in ``../shared/data`` holds almost none of them (news bodies, health
answers and blog posts without their pages), so they are written here, from templates with slots.

Templates are split like the data (:func:`sources.split_of` on the template's key): training dresses
its documents with the train split's templates only, so that a benchmark built from the test split's
measures phrasings the model never saw. None of them repeats the hacked-site benchmark's legitimate
hidden elements (``bench/html_set.py``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from .sources import split_of
from .synth import Doc

__all__ = ["Chrome", "TEMPLATES", "dress"]

# {site}: the site's name; {slug}: a word of its paths; {n}, {year}: numbers; {net}: a social network.
# A template is one line of chrome; "|" separates lines that come together (a cookie banner and its buttons).
# (The two footer templates written with " | " between their links are read as lines too, each keeping its
# spaces: the shipped model was trained so, and changing it changes what ``excise train`` writes.)
TEMPLATES: dict[str, tuple[str, ...]] = {
    "newsletter": (
        "The {site} weekly: our editors' picks, delivered free every {day}.|Subscribe",
        "Sign up for the {site} newsletter and never miss a post. No spam, unsubscribe at any time.",
        "Get our best articles by email every {day}. Enter your email address below.|Subscribe",
        "Join {n},000 readers who get our weekly digest. We respect your privacy.",
        "Like what you read? Sign up for our free newsletter.",
        "Want more stories like this? Subscribe to the {site} daily briefing.",
        "Never miss an update: get new posts by email.|Email address|Sign up",
        "Stay informed. Our editors send the week's most important news every {day} morning.",
        "Enter your email to subscribe to this blog and receive notifications of new posts by email.",
        "Thanks for subscribing! Please check your inbox to confirm your subscription.",
        "Get the {site} morning email: the day's news in five minutes.",
        "Our newsletter is free. Sign up below and choose the topics you care about.",
        "You're all set! Look out for our first email on {day}.",
        "Get alerts when we publish new stories on {slug}.|Follow",
        "Don't miss out: join our mailing list for updates on {slug} and {slug2}.",
        "Newsletter|Your email|Submit",
    ),
    "cookies": (
        "This website uses cookies to improve your experience. By continuing to browse you agree to our use of "
        "cookies.|Accept|Learn more",
        "We and our partners use cookies to personalise content and ads and to analyse our traffic.|Manage "
        "preferences|Accept all",
        "{site} uses cookies. Find out more in our cookie policy.",
        "By using this site, you agree to the Privacy Policy and Terms of Use.",
        "We value your privacy. You can change your cookie settings at any time.",
        "Cookie settings|Necessary cookies only|Accept all cookies",
        "We use essential cookies to make this site work, and optional cookies to understand how you use it.",
        "Your privacy choices|Do not sell or share my personal information",
        "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
    ),
    "social": (
        "Follow us on {net} and {net2}.",
        "Share this article: {net} {net2} Email",
        "Like us on {net}! Follow us on {net2}! Subscribe to RSS!",
        "Share on {net}|Share on {net2}|Copy link",
        "Follow [{site} on {net}](https://{netdomain}/{slug})",
        "Join the conversation on {net} using #{slug}.",
        "If you enjoyed this post, please share it with your friends.",
        "Tweet|Share|Pin it|WhatsApp",
        "Find us on {net}: @{slug}{n}",
        "Subscribe to our {net} channel for more videos.",
        "Share via email|Share on {net}",
    ),
    "comments": (
        "Leave a Reply|Your email address will not be published. Required fields are marked *",
        "{n} comments",
        "Log in to leave a comment.|Don't have an account? Register now, it's free.",
        "Comments are closed.",
        "Be the first to comment on this article.",
        "Please keep comments civil and on topic. We reserve the right to remove any comment.",
        "Sign in or create an account to join the discussion.",
        "Posted by {name} at {hour}:{minute}|Reply",
        "{n} thoughts on this post",
        "Reply|Report|Like ({n})",
        "Comment policy: we moderate all comments before they appear.",
        "Notify me of follow-up comments by email.|Post Comment",
        "Add your comment|Name|Email|Website",
    ),
    "footer": (
        "\u00a9 {year} {site}. All rights reserved.",
        "Copyright {year} {site} | Privacy Policy | Terms of Service | Contact Us",
        "About us|Contact|Advertise with us|Careers",
        "Powered by WordPress | Theme by {site}",
        "Back to top",
        "Home \u00bb {Slug} \u00bb {Slug2}",
        "Filed under: {Slug}, {Slug2}",
        "Tags: {slug}, {slug2}, news",
        "{site} is a registered trademark. Company number {n}{n}.",
        "Accessibility|Sitemap|RSS feeds|Corrections",
        "Contact the newsroom: news@{slug}.example",
        "Call us on 0{n} {n}{n} {n} or write to the editor.",
        "All content is available under the Creative Commons Attribution licence unless otherwise noted.",
    ),
    "navigation": (
        "Related posts|{Slug}: what you need to know|More on {slug2}",
        "Read more: [{Slug} and {slug2}](/{slug}/{slug2}/)",
        "Previous post|Next post",
        "You may also like",
        "Most popular this week",
        "Continue reading",
        "Jump to navigation",
        "Click here to read the full story.",
        "Page {n} of {n2}|Older posts|Newer posts",
        "Trending now|{Slug}|{Slug2}",
        "See all stories on {slug}",
        "Watch: {Slug} explained in {n} minutes",
        "Listen to this article|{n} min read",
    ),
    "support": (
        "Support independent journalism. Become a member today from just {price} a month.",
        "If you found this useful, consider buying us a coffee.|Donate",
        "{site} is reader-funded. Please support our work with a donation of any size.",
        "Get unlimited access to all our articles. Subscribe now and save {percent}%.|Subscribe",
        "Free shipping on all orders over {price}. Visit our shop.",
        "Advertisement",
        "Sponsored content",
        "Ad|Report this ad",
        "Partner content: this article was paid for by our sponsor.",
        "Gift a subscription to someone you love.",
        "Members get ad-free reading and early access to events. Join from {price} a year.",
        "Buy tickets for our {slug} festival now.",
    ),
    "account": (
        "Sign in|Register|Forgot your password?",
        "My account|Saved articles|Log out",
        "Already a subscriber? Log in here.",
        "Download the {site} app for iOS and Android.",
        "Search this site|Search",
        "Print article|Email article|Save for later",
        "Welcome back! You have {n} free articles left this month.",
        "Create a free account to save articles and follow topics.|Continue with email",
        "Manage my subscription|Help centre",
        "Language: English|Deutsch|Espa\u00f1ol",
    ),
}

_NETS = ("Facebook", "Twitter", "Instagram", "LinkedIn", "YouTube", "Mastodon", "Pinterest", "Reddit")
_NET_DOMAINS = {"Facebook": "facebook.com", "Twitter": "twitter.com", "Instagram": "instagram.com",
                "LinkedIn": "linkedin.com", "YouTube": "youtube.com", "Mastodon": "mastodon.social",
                "Pinterest": "pinterest.com", "Reddit": "reddit.com"}
_SITE_WORDS = ("Daily", "Weekly", "Health", "Tech", "City", "Valley", "Northern", "Open", "Modern", "Local",
               "Science", "Garden", "Coast", "Review", "Journal", "Notes", "Times", "Post", "Herald", "Lab")
_SLUGS = ("politics", "health", "science", "travel", "culture", "sport", "business", "technology", "food",
          "climate", "education", "music", "books", "history", "software", "gardening", "family", "money")
_NAMES = ("Anna", "Mark", "Priya", "Tom", "Lucia", "Kenji", "Sara", "David", "Olu", "Marta", "admin")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SLOT = re.compile(r"\{(\w+)\}")


class Chrome:
    """Writes chrome lines from one split's templates with a seeded RNG."""

    def __init__(self, seed: int = 0, split: str = "train") -> None:
        self.rng = random.Random(seed)
        self.templates = [(kind, t) for kind, ts in TEMPLATES.items() for i, t in enumerate(ts)
                          if split_of(f"chrome:{kind}:{i}") == split]

    def site(self) -> str:
        rng = self.rng
        return " ".join(rng.sample(_SITE_WORDS, rng.randint(1, 2)))

    def lines(self, site: str) -> list[str]:
        """One piece of chrome (a template with its slots filled), as its lines."""
        rng = self.rng
        kind, template = rng.choice(self.templates)
        nets = rng.sample(_NETS, 2)
        slugs = rng.sample(_SLUGS, 2)
        values = {
            "site": site, "net": nets[0], "net2": nets[1], "netdomain": _NET_DOMAINS[nets[0]],
            "slug": slugs[0], "slug2": slugs[1], "Slug": slugs[0].title(), "Slug2": slugs[1].title(),
            "n": str(rng.randint(2, 250)), "year": str(rng.randint(2005, 2025)), "name": rng.choice(_NAMES),
            "n2": str(rng.randint(2, 40)), "hour": str(rng.randint(1, 12)), "minute": f"{rng.randint(0, 59):02d}",
            "day": rng.choice(_DAYS),
            "price": rng.choice(("$5", "\u00a33", "\u20ac4", "$50", "\u00a325")),
            "percent": str(rng.choice((10, 20, 25, 30, 50))),
        }
        filled = _SLOT.sub(lambda m: values[m.group(1)], template)
        return filled.split("|")

    def block(self, site: str) -> str:
        """One to three pieces of chrome, a line each (as extracted page text lays them out)."""
        return "\n".join(line for _ in range(self.rng.randint(1, 3)) for line in self.lines(site))


def dress(docs: Sequence[Doc], chrome: Chrome, share: float) -> list[Doc]:
    """``docs`` with chrome added to a ``share`` of them (clean and injected alike): at the top, at the
    bottom or between two paragraphs, never inside a gold span; gold spans move with the text."""
    rng = chrome.rng
    out = []
    for doc in docs:
        if rng.random() >= share:
            out.append(doc)
            continue
        text, spans = doc.text, list(doc.spans)
        site = chrome.site()
        for _ in range(rng.randint(1, 3)):
            breaks = [m.start() for m in re.finditer(r"\n[ \t]*\n", text)]
            spots = [0, len(text.rstrip())] + breaks
            spots = [p for p in spots if not any(a < p < b for a, b in spans)]
            at = rng.choice(spots)
            block = chrome.block(site)
            insert = block + "\n\n" if at == 0 else "\n\n" + block
            if at == len(text.rstrip()):
                text = text[:at]
            text = text[:at] + insert + text[at:]
            spans = [(a + len(insert), b + len(insert)) if a >= at else (a, b) for a, b in spans]
        out.append(Doc(doc.id, text, spans, doc.host, doc.family, doc.style, doc.hard_negative))
    return out
