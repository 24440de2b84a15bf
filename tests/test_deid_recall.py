"""What the rules find on their own (no model): every contact form, other direct identifiers, ages,
streets and services by their shape, names in name positions; and what they never propose as a name."""
from __future__ import annotations

import pytest
from conftest import deid_found

pytestmark = pytest.mark.usefixtures("rules_only")


found = deid_found


@pytest.mark.parametrize("phone", ["+44 (0)161 496 0555", "(0161) 496 0872", "07700-900-218", "07700900562",
                                   "+44 7700 900 247", "020 7946 0123"])
def test_every_uk_phone_form(phone):
    assert (phone, "PHONE") in found(f"Ring me on {phone} after six.")


@pytest.mark.parametrize("postcode", ["m6 6dt", "SK143JB", "M13 0FH", "sk13 8nq"])
def test_postcodes_in_any_case_and_spacing(postcode):
    assert (postcode, "POSTCODE") in found(f"the new address is flat 2, {postcode} if you want it")


def test_emails_written_out_and_nhs_numbers():
    got = found("Email tash.morrow at example dot com or jo@example.org. NHS number 9994827716.")
    assert {("tash.morrow at example dot com", "EMAIL"), ("jo@example.org", "EMAIL"),
            ("9994827716", "NHS_NUMBER")} <= got


def test_other_direct_identifiers():
    got = found("Find us at facebook.com/groups/hydemums or @hyde_mums_talk, www.bexbright.co.uk too. "
                "My NI number is QQ 12 34 56 C and the van is DK62 WFX. Sort code 20-45-77, account 41882093.")
    assert {("facebook.com/groups/hydemums", "OTHER_ID"), ("@hyde_mums_talk", "OTHER_ID"),
            ("www.bexbright.co.uk", "OTHER_ID"), ("QQ 12 34 56 C", "OTHER_ID"), ("DK62 WFX", "OTHER_ID"),
            ("20-45-77", "OTHER_ID"), ("41882093", "OTHER_ID")} <= got


def test_a_public_health_site_is_not_an_identifier():
    assert not found("I read about lithium on www.nhs.uk/conditions first.")


@pytest.mark.parametrize(("text", "age"), [("I'm 42 and tired.", "42"), ("she's seventy-three and sharp", "seventy-three"),
                                           ("He was aged 17 then.", "17"), ("since I was fourteen.", "fourteen"),
                                           ("Sunny is 81 and lives alone.", "81"), ("hes like 25 lol", "25"),
                                           ("One lad, sixteen and already known", "sixteen"),
                                           ("a 52-year-old man", "52-year-old")])
def test_ages_in_digits_and_words(text, age):
    assert (age, "AGE") in found(text)


@pytest.mark.parametrize("text", ["The café opens at six.", "I was 30 minutes late.", "I waited at 15 Mill Lane.",
                                  "It is one thing to say it."])
def test_numbers_that_are_not_ages(text):
    assert not any(kind == "AGE" for _t, kind in found(text))


def test_streets_wards_estates_and_services_by_their_shape():
    got = found("I was on Ward 12, then Elm Ward. We lived at 27 Gladstone Street on the Partington estate "
                "and went to Lakeside Surgery and the Irwell Valley Trust.")
    assert {("Ward 12", "ORG"), ("Elm Ward", "ORG"), ("27 Gladstone Street", "PLACE"), ("Partington", "PLACE"),
            ("Lakeside Surgery", "ORG"), ("Irwell Valley Trust", "ORG")} <= got


def test_towns_from_the_gazetteer_but_not_big_cities():
    got = found("We moved from Manchester to Stalybridge, then to Mossley.")
    assert {("Stalybridge", "PLACE"), ("Mossley", "PLACE")} <= got
    assert not any(text == "Manchester" for text, _ in got)


def test_titles_nicknames_and_names_covered_whole():
    got = found("Everyone calls me Tash. Pastor Emmanuel and Auntie Grace came. Our team lead, "
                "Ade Adebayo-Smith, came too.")
    assert {("Tash", "PERSON"), ("Pastor Emmanuel", "PERSON"), ("Auntie Grace", "PERSON")} <= got
    assert any(text.endswith("Adebayo-Smith") for text, kind in got if kind == "PERSON")


def test_first_names_that_are_words_count_in_name_positions_only():
    got = found("My friend Precious rang. Precious never once complained. I hope it is precious to her.")
    assert [t for t, k in got if k == "PERSON"] == ["Precious"]
    assert ("hope", "PERSON") not in got and ("precious", "PERSON") not in got


def test_text_message_writing_finds_lower_case_names_but_not_words():
    got = found("omg so i got seen. the nurse was called priya and she was lovely. text me later x. "
                "my best mate jaz told her. im ok honestly")
    people = {t for t, k in got if k == "PERSON"}
    assert {"priya", "jaz"} <= people
    assert not people & {"im", "ok", "x", "omg", "she", "lovely"}


def test_ordinary_words_pronouns_kinship_and_generic_services_are_never_names():
    got = found("I told Mum. Mum rang the crisis team and the GP, then the café. I changed my mind.")
    assert not any(kind in ("PERSON", "PLACE", "ORG") for _t, kind in got), got


@pytest.mark.parametrize("text", ["## What helped\n\nPeople always want a list, so here it is.",
                                  'The officer says, "Send him to me this afternoon." So I went.'])
def test_a_capital_that_only_starts_a_sentence_is_no_name_or_town(text):
    assert not any(kind in ("PERSON", "PLACE", "ORG") for _t, kind in found(text))


def test_cities_and_large_towns_name_nobody_small_towns_and_london_districts_do():
    got = found("I moved from Cardiff to Splott, then Bradford, then Wells, then Rochdale and Reading, then Dewsbury.")
    assert not {t for t, _k in got} & {"Cardiff", "Bradford", "Rochdale", "Reading"}  # MARKING.md: about 100,000 up
    assert ("Dewsbury", "PLACE") in got  # a town still points at someone
    assert "Wells" in {t for t, _k in got}  # and so does a small cathedral city
    small = found("After the ward in Lancaster I lived in Durham, then moved to Inverness for work.")
    assert {"Lancaster", "Durham", "Inverness"} <= {t for t, _k in small}  # the size decides, not the title
    assert ("Tottenham", "PLACE") in found("We grew up round Tottenham, near the high road.")  # a district of London


def test_text_message_streets_places_and_hospitals():
    got = found("kicked out again so im at my cousins on duke street for now. if the letters come to dennistoun "
                "just bin them. amber drove me to the northern general after. ok.")
    assert {("duke street", "PLACE"), ("dennistoun", "PLACE"), ("northern general", "ORG")} <= got


def test_organisations_and_places_by_what_stands_around_them():
    got = found("Pick up the prescription from Boots on Stapleton Road. We meet at Cafe Calm on Clare Road. "
                "Stop sending letters to the Tremorfa address. She set up the choir after her stay at St Brendan's. "
                "I have been a peer mentor at the Beehive in Walker since it opened.")
    assert {("Boots on Stapleton Road", "ORG"), ("Cafe Calm", "ORG"), ("Tremorfa", "PLACE"), ("St Brendan's", "ORG"),
            ("Walker", "PLACE")} <= got


def test_handles_without_at_record_numbers_and_lower_case_ni_numbers():
    got = found("add me on snap its kayz_x99. my ni number is qq123456c and the reg was dk62 wfx. "
                "Hospital number RX4471203, case ref: SAL/2291/B.")
    assert {("kayz_x99", "OTHER_ID"), ("qq123456c", "OTHER_ID"), ("dk62 wfx", "OTHER_ID"),
            ("RX4471203", "OTHER_ID"), ("SAL/2291/B", "OTHER_ID")} <= got


@pytest.mark.parametrize(("text", "age"), [("I left school at the age of 12.", "12"), ("hes 15yo", "15yo"),
                                           ("Marek, 58, drives the van.", "58"), ("Dad (72) came too.", "72")])
def test_more_ages(text, age):
    assert (age, "AGE") in found(text)


def test_a_year_alone_is_no_date_a_day_with_its_month_is():
    """MARKING.md keeps years (as Safe Harbor does): a year of birth or of an event is not proposed."""
    assert not any(kind == "DATE" for _t, kind in found("I was born in 1987 in a flat."))
    assert not any(kind == "DATE" for _t, kind in found("The group started in 2019."))
    assert not any(kind == "DATE" for _t, kind in found("The 2019 report said nothing new."))
    assert ("1st February", "DATE") in found("The council said they'd have something for me by 1st February.")


@pytest.mark.parametrize("text", ["I was in Room 12, on the third floor.", "It was Ward (12) then.", "Hi, 12, 13 of us came."])
def test_numbers_beside_words_that_are_not_people_are_no_ages(text):
    assert not any(kind == "AGE" for _t, kind in found(text))


def test_named_therapies_and_courses_name_nobody():
    got = found("We did Wellness Recovery Action Planning. Dialectical Behaviour Therapy came later.")
    assert not any(kind in ("PERSON", "PLACE", "ORG") for _t, kind in got), got


@pytest.mark.parametrize(("text", "age"), [("Tom's 14 now.", "14"), ("my son's nearly 17 and taller than me", "17"),
                                           ("a girl of 15 years of age", "15 years of age")])
def test_ages_after_a_possessive_and_of_age(text, age):
    assert (age, "AGE") in found(text)


def test_handles_by_platform_cards_and_profile_links():
    got = found("my snap is kayleighxo and my insta is private. discord kayz#1234. Card 4929 1234 5678 9012. "
                "See youtube.com/@bexbright for the videos.")
    assert {("kayleighxo", "OTHER_ID"), ("kayz#1234", "OTHER_ID"), ("4929 1234 5678 9012", "OTHER_ID"),
            ("youtube.com/@bexbright", "OTHER_ID")} <= got
    assert ("private", "OTHER_ID") not in got


def test_counties_regions_and_continents_name_nobody():
    got = found("We moved down from Lancashire to the North West, and Mum came from West Africa.")
    assert not any(kind == "PLACE" for _t, kind in got), got


@pytest.mark.parametrize(("text", "age"), [("I'm the baby at thirty-one.", "thirty-one"), ("by 14 I was drinking", "14"),
                                           ("a lad of 16 came in", "16"), ("hes pushing 50", "50")])
def test_ages_at_the_end_of_a_sentence_and_after_of(text, age):
    assert (age, "AGE") in found(text)


@pytest.mark.parametrize("text", ["We open at six.", "I left at 10.", "a mum of three", "we finish at 15 past."])
def test_times_and_counts_are_no_ages(text):
    assert not any(kind == "AGE" for _t, kind in found(text))


def test_transcript_speakers_and_name_headings_are_people_but_labels_are_not():
    got = found("Interviewer: How did it start?\nTendai: I think it was the letters.\n**Oluwaseun:** yes.\n"
                "Note: later.\n\n## Background\n\nIt began.")
    assert {("Tendai", "PERSON"), ("Oluwaseun", "PERSON")} <= got
    assert not {t for t, _k in got} & {"Interviewer", "Note", "Background"}


def test_a_first_name_and_a_family_name_are_one_person():
    got = found("We met Bilal Hussain at the hub, then Kojo Mensah. Bilal Road is long.")
    assert {("Bilal Hussain", "PERSON"), ("Kojo Mensah", "PERSON"), ("Bilal Road", "PLACE")} <= got


def test_an_imperative_starting_the_sentence_is_no_part_of_a_name():
    got = found("Call Noor Wellbeing on 07700 900219. Visit Hope Centre on Ring Road.")
    assert {("Noor Wellbeing", "ORG"), ("Hope Centre", "ORG"), ("Ring Road", "PLACE")} <= got
