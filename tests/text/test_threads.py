"""Comment threads (cleaner/text/threads.py): the thread takes the comments, never the article
above them, whether the page's comment counter stands by the title or below the text."""

from __future__ import annotations

import cleaner

ARTICLE = [
    "The city council approved a revised budget on Tuesday after a four-hour session that ran late"
    " into the evening, with members trading figures on bus lanes, street lights and the cost of the"
    " winter road service until nearly midnight.",
    "The plan shifts about twelve million from road repairs to public transport, a move that several"
    " members said was overdue and that others called reckless.",
    "Opponents argued that the cuts would leave neighbourhoods on the eastern edge of the city with"
    " crumbling streets for another winter, and they promised to bring the matter back.",
    "The mayor said the budget would be reviewed again in the spring, once the final figures from the"
    " regional government are known and the bus operator has reported.",
    "Several residents who attended the session said they were pleased that the debate had finally"
    " happened in public, after years of decisions taken behind closed doors.",
    "A second vote on the transport plan is expected in March, when the council will also decide on"
    " new fares for students and pensioners across the whole network.",
]
SIDEBAR = [
    "Our newsroom covers the city every day of the week, all year round.",
    "Send us your tips and we will look into them as soon as we can.",
    "We read every letter that our readers send to the editors here.",
]
MENU = ["Home", "City", "Transport", "Sport", "Weather", "Contact"]
COMMENTS = [
    "Ann Lee October 31, 2012 at 9:41 am",
    "Good news for the eastern side, finally.",
    "Bob Stone October 31, 2012 at 9:42 am",
    "I doubt the buses will come any more often.",
    "Carl Weiss October 31, 2012 at 10:05 am",
    "Streets first, then buses.",
]
TITLE = "Council moves road money to buses"


def _clean(lines: list[str]) -> list[str]:
    return cleaner.clean("\n".join(lines), kind="text").text.split("\n")


def test_a_counter_by_the_title_does_not_take_the_article() -> None:
    # whole-page text: the comment count sits under the title, above the article
    out = _clean([*SIDEBAR, *MENU, TITLE, "12 Comments", *ARTICLE, *COMMENTS])
    assert all(p in out for p in ARTICLE)
    assert TITLE in out
    assert not any(c in out for c in COMMENTS)


def test_a_header_below_the_article_still_takes_the_thread() -> None:
    out = _clean([TITLE, *ARTICLE, "12 Comments", *COMMENTS])
    assert out == [TITLE, *ARTICLE]


def test_the_articles_own_byline_opens_no_thread() -> None:
    byline = "by Jane Doe on October 31, 2012"
    intro = [
        "A note from the editor about this week's council session and the transport plan.",
        "This week's council session ran late, and this is what it decided on the transport plan.",
    ]
    out = _clean([TITLE, *intro, byline, *ARTICLE, *COMMENTS])
    assert out == [TITLE, *intro, byline, *ARTICLE]


FORUM_TITLE = "Which bike lights do you use for winter commuting?"
POSTS = [
    "I ride twenty kilometres each way along an unlit canal path, and my old light barely shows"
    " the puddles any more. What do you use, and how long do the batteries last in the cold?",
    "I have used a dynamo hub for three winters now and never think about batteries at all; the"
    " light is bright enough for the canal path and it never fails in the cold.",
    "Two cheap lights on the bars work better for me than one expensive one, because one of them"
    " always has charge and I can point them at different distances on the path.",
]


def test_a_forum_thread_keeps_its_posts() -> None:
    # every reply repeats the thread's title: the posts are the page's content
    lines = [FORUM_TITLE, "Posted by Kim on October 30, 2012 at 8:15 am", POSTS[0]]
    lines += ["Jo Park October 31, 2012 at 9:41 am", "Re: " + FORUM_TITLE, POSTS[1]]
    lines += ["Sam Ode October 31, 2012 at 9:42 am", "Re: " + FORUM_TITLE, POSTS[2]]
    lines += ["Lee Marr October 31, 2012 at 10:05 am", "Re: " + FORUM_TITLE, "Agreed, dynamo all the way."]
    out = _clean(lines)
    assert all(p in out for p in POSTS)


def test_replies_to_a_comment_are_still_a_comment_thread() -> None:
    # "Re:" naming a comment's subject, not the page's title, says nothing about the page
    subject = "Easier headline"
    comments = ["Ann Lee October 31, 2012 at 9:41 am", subject, "Good news for the eastern side."]
    comments += ["Bob Stone October 31, 2012 at 9:42 am", "Re: " + subject, "I doubt the buses will come."]
    comments += ["Carl Weiss October 31, 2012 at 10:05 am", "Re: " + subject, "Streets first, then buses."]
    out = _clean([TITLE, *ARTICLE, *comments])
    assert out == [TITLE, *ARTICLE]
