"""The small-cell rule on one script's counts (``bot.funnels.funnel``): nothing below N is
shown, a withheld count cannot be had back by subtraction, and a rate comes only from two
shown counts."""

from __future__ import annotations

from bot.funnels import Funnel, FunnelReport, Stop, funnel, summary
from bot.storage.stats import DialogueTally, Tally

STEPS = frozenset({"intro", "signs", "helps"})


def counted(started: tuple[int, int], finished: tuple[int, int], stops: dict[str, tuple[int, int]], unfinished: tuple[int, int] | None = None) -> DialogueTally:
    if unfinished is None:
        unfinished = (started[0] - finished[0], started[1])  # everyone unfinished is a person of their own unless told
    return DialogueTally("safety_plan", Tally(*started), Tally(*finished), Tally(*unfinished), {k: Tally(*v) for k, v in stops.items()})


def shown(tally: DialogueTally, n: int = 5) -> Funnel:
    return funnel(tally, "scripts", "My safety plan", STEPS, n)


def test_counts_of_enough_people_are_shown_exactly_with_their_rate() -> None:
    f = shown(counted((42, 40), (30, 30), {"helps": (7, 7), "signs": (5, 5), "intro": (4, 4)}, unfinished=(12, 12)))
    assert (f.started, f.finished, f.unfinished, f.rate) == (42, 30, 12, 0.71)
    assert f.stops == (Stop("helps", 7, True), Stop("signs", 5, True))  # "intro" (4) is not named


def test_a_script_begun_by_few_shows_nothing_but_less_than_n() -> None:
    for started in ((4, 4), (0, 0), (9, 3)):  # four sessions; none; nine sessions of three people
        f = shown(counted(started, (0, 0), {"intro": started}))
        assert (f.started, f.finished, f.unfinished, f.rate, f.stops) == ("<5", "<5", "<5", None, ())


def test_a_count_of_few_people_is_withheld_however_many_sessions() -> None:
    f = shown(counted((40, 20), (10, 2), {"signs": (30, 18)}, unfinished=(30, 18)))
    assert f.finished == "<5" and f.unfinished == 30 and f.rate is None
    assert f.started == "30+"  # 40 would give the finished 10 away: 40 - 30
    assert f.stops == (Stop("signs", 30, True),)


def test_few_unfinished_hides_the_total_and_the_rate_not_the_finished() -> None:
    for unfinished in ((0, 0), (3, 3)):
        f = shown(counted((20 + unfinished[0], 20), (20, 20), {"intro": unfinished} if unfinished[0] else {}, unfinished=unfinished))
        assert (f.started, f.finished, f.unfinished, f.rate, f.stops) == ("20+", 20, "<5", None, ())


def test_both_parts_withheld_leave_only_a_lower_bound() -> None:
    f = shown(counted((8, 8), (4, 4), {"intro": (4, 4)}))
    assert (f.started, f.finished, f.unfinished, f.rate, f.stops) == ("5+", "<5", "<5", None, ())


def test_the_threshold_is_the_operators_and_one_shows_everything() -> None:
    tally = counted((8, 8), (4, 4), {"intro": (3, 3), "signs": (1, 1)})
    f = shown(tally, n=3)
    assert (f.started, f.finished, f.unfinished, f.rate) == (8, 4, 4, 0.5) and f.stops == (Stop("intro", 3, True),)
    f = shown(tally, n=1)
    assert f.stops == (Stop("intro", 3, True), Stop("signs", 1, True))
    f = shown(counted((0, 0), (0, 0), {}), n=1)
    assert (f.started, f.rate) == (0, None)


def test_no_bound_or_order_gives_a_withheld_count_away() -> None:
    """Whatever the hidden finished count (0 to 4 of 30 people), what is shown is the same."""
    seen = {
        (f.started, f.finished, f.unfinished, f.rate, f.stops)
        for hidden in range(5)
        for f in [shown(counted((30 + hidden, 30), (hidden, hidden), {"signs": (30, 30)}, unfinished=(30, 30)))]
    }
    assert seen == {("30+", "<5", 30, None, (Stop("signs", 30, True),))}


def test_summary_lists_only_scripts_whose_start_is_shown() -> None:
    def made(id_: str, started: int | str, group: str = "scripts") -> Funnel:
        return Funnel(id_, id_, group, started, "<5", "<5", None, ())

    report = FunnelReport(5, (made("b", 40), made("a", "12+"), made("c", "<5"), made("crisis", 7, "support")))
    top = summary(report)
    assert [line["id"] for line in top["scripts"]] == ["b", "a"] and [line["started"] for line in top["scripts"]] == ["40", "12+"]
    assert [line["id"] for line in top["support"]] == ["crisis"] and top["removed"] == 0
