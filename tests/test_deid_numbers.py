"""Record numbers, ages and dates the rules find on their own (no model), in forms, tables and notes,
and the numbers beside them they leave alone."""
from __future__ import annotations

import pytest
from conftest import deid_found

pytestmark = pytest.mark.usefixtures("rules_only")


found = deid_found


def kinds(text: str, kind: str) -> set[str]:
    return {t for t, k in found(text) if k == kind}


@pytest.mark.parametrize(("text", "number"), [
    ("Case reference: KD/2025/00981. Please quote it.", "KD/2025/00981"),
    ("my claim number is 5520 1187 if anyone asks", "5520 1187"),
    ("The police ref for the break-in at the shed: 07/33912/25.", "07/33912/25"),
    ("Enrolled as Bilal Aziz (learner no. 55120) last term.", "55120"),
    ("Her passport 512345678 was in the drawer.", "512345678"),
    ("Seen in clinic, RiO 7712094, no concerns.", "7712094"),
    ("Referred on (ID 300451289) by the duty team.", "300451289"),
    ("Hosp no: QEH 0047712 on the wristband.", "QEH 0047712"),
    ("His tenancy ref is on the letter from them, TR-0055312.", "TR-0055312"),
    ("Police gave me a log number, 2291 of 14 May.", "2291"),
    ("CRN 5518204 on the crime letter.", "5518204"),
    ("Ticket no. 88122 for the coach.", "88122"),
    ("Her Oyster card 0123 4567 8901 was in the bag.", "0123 4567 8901"),
])
def test_a_record_number_after_its_label(text, number):
    assert (number, "OTHER_ID") in found(text)


@pytest.mark.parametrize("text", ["It was case no. 3 on the list.", "A student 2019 to 2022, then work.",
                                  "See ref 12 in the minutes.", "Her booking ref went missing, ring 07700 900318."])
def test_no_record_number_without_a_record_shaped_number(text):
    assert not kinds(text, "OTHER_ID")


def test_a_phone_number_read_out_in_parts_or_abroad():
    assert ("07700, then 900, then 148", "PHONE") in found("His mobile is 07700, then 900, then 148.")
    assert ("+48 601 234 567", "PHONE") in found("Her sister's number in Poland is +48 601 234 567.")


def test_an_email_spelt_out_with_dots_in_its_name_and_a_site_is_no_email():
    assert ("rosa dot pike at example dot org", "EMAIL") in found("write to rosa dot pike at example dot org please")
    assert not kinds("Read my blog at www.quietmornings.co.uk today.", "EMAIL")


def test_a_boat_named_beside_its_port_number_or_after_called():
    assert ("Sea Lark", "OTHER_ID") in found("He skippered the Sea Lark (BM 204) out of Brixham for years.")
    assert ("Kingfisher Two", "OTHER_ID") in found("We live on a narrowboat called Kingfisher Two now.")


def test_a_record_label_keeps_a_phone_shaped_number_a_record():
    got = found("CHI 0402516637 on the form; ring her on 07700 900561.")
    assert ("0402516637", "PHONE") not in got and ("07700 900561", "PHONE") in got


def test_a_markdown_table_ages_and_refs_by_its_header():
    table = ("| Ref | Client | Age | Area |\n|---|---|---|---|\n"
             "| 3107-12 | Tomasz Lis | 44 | Hulme |\n| 3107-13 | Ada Brown | 71 | Levenshulme |\n")
    got = found("Referrals this week:\n\n" + table)
    assert {("3107-12", "OTHER_ID"), ("3107-13", "OTHER_ID"), ("44", "AGE"), ("71", "AGE")} <= got


def test_an_age_and_sex_column():
    got = found("| Client | Age/Sex |\n|---|---|\n| Bea Moss | 34/F |\n| Tom Finn | M 61 |\n")
    assert {("34", "AGE"), ("61", "AGE")} <= got


def test_a_table_postcode_column_and_a_postcode_field_with_the_outward_code_alone():
    got = found("| Name | Postcode |\n|---|---|\n| Ama Osei | ol8 |\n\nPostcode: SK14\n")
    assert {("ol8", "POSTCODE"), ("SK14", "POSTCODE")} <= got


def test_a_table_row_number_and_other_columns_are_no_identifiers():
    table = "| No | Session | Attended |\n|:-:|---|---|\n| 1 | Sleep | 12 |\n| 2 | Worry | 9 |\n"
    assert not {k for _t, k in found(table)} & {"OTHER_ID", "AGE"}


@pytest.mark.parametrize(("text", "age"), [
    ("Name given: Rhoswen\nAge at referral: 34\nReferred by: GP", "34"),
    ("**Age (years):** 61\n**Lives:** alone", "61"),
    ("Spent the afternoon with Tariq today (16, in foster care since May).", "16"),
    ("Next of kin: Tomasz Lis (son), 44\nAddress: see file", "44"),
    ("Spoke to Mrs Ruth Adebayo (RiO 6611093), 52, about her meds.", "52"),
    ("Family: Ayo (6) and Tiwa (3) live with their dad.", "6"),
    ("Family: Ayo (6) and Tiwa (3) live with their dad.", "3"),
    ("- Background: first arrest at 15 while living in care.", "15"),
    ("- Now: 52, lives alone, walks the dog daily.", "52"),
    ("Nani is 80 and still makes the parathas.", "80"),
    ("happy 40th birthday uncle femi!!", "40th"),
    ("My name is Grazyna, I am now 63 years. I like the garden.", "63"),
    ("Kids: Leo 7, Ava 4", "7"),
    ("Sons: Reece aged 14 and Kai aged 10", "10"),
    ("Ages of children: 3, 5 and 9", "5"),
    ("I was 19 the first time they admitted me and 31 the last.", "31"),
    ("me n jade r both 17 now", "17"),
    ("shes only 3 months old and never sleeps", "3 months old"),
    ("It's his 21st on Friday, we've booked the hall.", "21st"),
    ("INT: How old were you then?\nDEREK: Fifteen. Maybe sixteen.", "Fifteen"),
    ("Q: And your age now?\nA: I'm 44.", "44"),
    ("Grandad says he's seventy-nine years young.", "seventy-nine years young"),
    ("Hello, I'm 23yrs, from Gdynia.", "23"),
    ("DOB: 11/06/1989 (37)", "37"),
    ("Participant 4 (M, 52) said it helped.", "52"),
    ("P2, female, 61, retired teacher", "61"),
    ("Sat with Imran (29 yrs) at the drop-in.", "29"),
    ("my two kids, 4 and 7, are with my mum", "7"),
    ("I've got three boys - 12, 9 and 6.", "9"),
    ("the girls are 9 and 11 now", "11"),
    ("a letter about Mrs Leung Siu-ling, 74) came", "74"),
    ("my eldest is 15, youngest 8, and both love football", "8"),
    ("she's 9 and the baby's 2 now", "2"),
])
def test_ages_in_forms_brackets_lists_and_messages(text, age):
    assert (age, "AGE") in found(text)


@pytest.mark.parametrize("text", ["Age group: 18-25\nSessions: 6", "Age UK: 0800 678 1602",
                                  "- Now: 3 sessions left before review.", "Open 24/7 at the centre.",
                                  "We met at 10 while the café was quiet.",
                                  "It's a group for young people aged 16 to 25.", "The walk is for anyone aged 18-65.",
                                  "Children: two, at Hill Primary (Year 4 and Year 6)",
                                  "Children: Sam and Lou Pike, 9 Heron Walk", "Option two: 3 and 4."])
def test_no_age_in_ranges_counts_and_clock_times(text):
    assert not kinds(text, "AGE")


@pytest.mark.parametrize(("text", "date"), [
    ("I've booked her into the Tuesday clinic for 14/1.", "14/1"),
    ("Home visit, 3/12: mum not in, left a card.", "3/12"),
    ("22/11 - rang him back, no answer.", "22/11"),
    ("appt is 9/1 at 11 in the hub", "9/1"),
    ("Date: 14/11\nTime: 10:00", "14/11"),
    ("The course starts w/c 3/12 in the library.", "3/12"),
    ("Deadline: 30/11 for the forms.", "30/11"),
    ("seen 2/12 and 9/12 by the nurse", "9/12"),
    ("we moved on the twelfth of March", "twelfth of March"),
    ("it was March the 3rd, I remember", "March the 3rd"),
    ("Letter dated 12-3-26 from the council.", "12-3-26"),
])
def test_a_day_and_month_where_a_note_dates_something(text, date):
    assert (date, "DATE") in found(text)


@pytest.mark.parametrize("text", ["The line is open 24/7 for anyone.", "She scored 9/10 on the quiz.",
                                  "He did it for 3/4 of the year.", "sort code 09-01-28, account 55120934"])
def test_no_date_in_scores_fractions_and_round_the_clock(text):
    assert not kinds(text, "DATE")


@pytest.mark.parametrize(("text", "number"), [
    ("Held overnight, custody no. 61/20455/26, released at ten.", "61/20455/26"),
    ("Her arrest ref: TV-883104 is on the charge sheet.", "TV-883104"),
    ("PNC ID 21/556012X was on the probation letter.", "21/556012X"),
    ("Please quote your rent account number 90127745 when you ring.", "90127745"),
    ("The PIP claim ref is 7781 2290 on the brown envelope.", "7781 2290"),
    ("Her DWP ref is 6612 0093, on every letter.", "6612 0093"),
    ("Police gave a CAD number, 5520, of the same night.", "5520"),
])
def test_police_housing_and_benefit_record_numbers(text, number):
    assert number in kinds(text, "OTHER_ID")


@pytest.mark.parametrize(("text", "age"), [
    ("A note from Isla Drummond (CHI 2711856630), 47, about her brother.", "47"),
    ('- "Moth" (Callum Gray), 52, sleeps out by the canal.', "52"),
    ("Panel guest: Gwion ap Iorwerth, 41, of Tregaron, joined us.", "41"),
    ("Mr Tunde Bakare-Lewis, 02/09/1971 (55), 8 Finch Row", "55"),
    ("She left Lagos and came to Hull at 26 to train as a nurse.", "26"),
    ("We got her a cake with 90 candles and she blew them all out.", "90"),
    ("omg its ur 21st on sat!! what we doing", "21st"),
    ("Ma granda wis 15 when he went doon the pit.", "15"),
    ("Mi abuelo tiene 88 años y vive solo.", "88"),
    ("Mae Nain yn 91 oed nawr.", "91"),
    ("woh 19 saal ki hai, still at college", "19"),
    ("The wee yin's only 6 year auld.", "6 year auld"),
    ("Seen today: Mirela Costea, thirty-six, of no fixed abode.", "thirty-six"),
    ("Es una chica de 17 años, muy callada.", "17"),
    ("Mae Taid yn 83 mlwydd oed.", "83"),
    ("She were nobbut 14 when she started at the mill.", "14"),
])
def test_ages_beside_names_dates_and_in_dialect_or_other_tongues(text, age):
    assert age in kinds(text, "AGE")


@pytest.mark.parametrize("text", [
    "Meet me at 20 to six by the clock.", "We lit 30 candles at the vigil in the square.",
    "On Monday, 12, people came to the drop-in.", "Ward 9, Elm Court, 14, was shut for cleaning.",
    "Hace 20 años que vivo aquí.", "Vivo aquí desde hace más de 20 años.",
])
def test_no_age_in_clock_times_counts_and_spans(text):
    assert not kinds(text, "AGE")


@pytest.mark.parametrize(("text", "date"), [
    ("Next supervision 14/01.", "14/01"),
    ("CPA review: 9/3 at 2pm with the team.", "9/3"),
    ("Her depot is due 21/2, then every fortnight.", "21/2"),
    ("Crime ref 3318 of 30/10 was closed with no further action.", "30/10"),
    ("Thank you for your letter of 6/11.", "6/11"),
    ("Timesheet for w/e 29/11 attached.", "29/11"),
])
def test_a_day_and_month_after_a_scheduled_event_or_of(text, date):
    assert date in kinds(text, "DATE")


def test_no_date_in_parts_and_scores():
    assert not kinds("Session 1/2 done. He got 7/10 in the test, a score of 8/10 overall.", "DATE")


def test_a_username_that_labels_chat_lines_is_a_person():
    text = "mod_kit: welcome all, be kind\nfern_xo: hiya\nmod_kit: thanks fern_xo"
    assert {("mod_kit", "PERSON"), ("fern_xo", "PERSON")} <= found(text)
    assert "dee_bakes_22" in kinds("follow dee_bakes_22 for cakes", "OTHER_ID")


@pytest.mark.parametrize(("text", "age"), [
    ("Me (33F) and my partner (35M) split up last year.", "33"),
    ("Deepa (26F) posted first.", "26"),
    ("My lad (9) loves the bus.", "9"),
    ("Nani (84) still cooks every day.", "84"),
])
def test_forum_age_and_sex_and_a_relation_with_a_bracketed_age(text, age):
    assert age in kinds(text, "AGE")


def test_no_age_in_a_bracketed_sum_after_a_thing():
    assert not kinds("The deal (40M) fell through and Chapter (3) was cut.", "AGE")


def test_a_range_of_days_before_the_month_is_one_date():
    dates = kinds("We were away 3rd-6th April, then 11th/12th May and 20th & 21st June.", "DATE")
    assert {"3rd-6th April", "11th/12th May", "20th & 21st June"} <= dates
