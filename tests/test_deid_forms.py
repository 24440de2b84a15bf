"""Ages, other direct identifiers, contact details and dates in the many forms storytellers write them, with
and without the model; the numbers and words that only look like them; and what a workshop reader sees."""
from __future__ import annotations

import pytest

from storybank.deid import decisions, reading
from storybank.deid import detect as deid


@pytest.fixture(params=["rules only", "model"])
def found(request, monkeypatch):
    if request.param == "rules only":  # load() caches each name's pipeline: both stay loaded between tests
        monkeypatch.setattr(deid, "model_name", lambda: "no-such-model-installed")
    return lambda text: {(p.text, p.type) for p in deid.detect(text)}


def ages(got: set[tuple[str, str]]) -> set[str]:
    return {text for text, kind in got if kind == "AGE"}


@pytest.mark.parametrize(("text", "expected"), [
    ("I'm 34 and I live alone.", {"34"}),
    ("I’m 23 now and things are better.", {"23"}),
    ("He was 19 when he joined.", {"19"}),
    ("My nan, aged 62, still works.", {"62"}),
    ("At 15 I left school.", {"15"}),
    ("I was sectioned at 32 and spent nine weeks inside.", {"32"}),
    ("She is a 41-year-old nurse.", {"41-year-old"}),
    ("He was a 41 year old man.", {"41 year old"}),
    ("I'm forty-three this year.", {"forty-three"}),
    ("When I was twelve we moved.", {"twelve"}),
    ("My daughter (9) loves the park.", {"9"}),
    ("Mum is nearly 70 now.", {"70"}),
    ("Dad turned 80 last week.", {"80"}),
    ("Age: 31", {"31"}),
    ("He's 58 yrs old.", {"58 yrs old"}),
    ("I was 17yo then.", {"17yo"}),
    ("He was a lad of sixteen.", {"sixteen"}),
    ("My kids, ages 7 and 9, come with me.", {"7", "9"}),
    ("aged 4, 6 and 11 when we left", {"4", "6", "11"}),
    ("my two (4 and 6) are a handful", {"4", "6"}),
    ("the girls (9, 11 and 14) came too", {"9", "11", "14"}),
    ("im 17 and bored", {"17"}),
    ("shes 15 and my best mate", {"15"}),
    ("ur 16 ffs", {"16"}),
    ("sade is 17 next week so shes having a do", {"17"}),
    ("chance is 15 n im 16. worth it tbh", {"15", "16"}),
    ("Auntie Yaa was probably 70.", {"70"}),
    ("Anwen was seventeen too, and we turned eighteen a week apart.", {"seventeen", "eighteen"}),
    ("I'd be 40 next year.", {"40"}),
    ("I'll be fifty in June.", {"fifty"}),
    ("We were both 15.", {"15"}),
    ("I was about 8 or 9.", {"8", "9"}),
])
def test_ages_in_every_form_a_storyteller_writes(found, text, expected):
    assert ages(found(text)) == expected


@pytest.mark.parametrize("text", [
    "I got the bus 42 home.", "I take 3 tablets a day.", "It took 20 minutes.", "I was in room 12.",
    "I'm 10 years clean now.", "She's in her forties.", "He's mid-thirties.", "She's in Year 9 at school.",
    "It was in my top 10.", "The score was 3 too.", "Bus 42 was 10 late.", "Ward 12 was 3 beds short.",
    "its now the 4th of dec 2025 at 10. dr okoro said sorry", "In February 2024 it was forty-one out of sixty.",
    "It was 8 or 9 miles.", "I'm 5 foot 2.", "The shop shuts at 17, and we go home.", "We met at 14 and 15 Mill Lane.",
    "Price is 15 too.", "the price is 15 next week", "questions (4 and 6) were hard",
])
def test_numbers_that_only_look_like_ages(found, text):
    assert not ages(found(text))


@pytest.mark.parametrize(("text", "identifier"), [
    ("add me on tiktok, im bexbright", "bexbright"),
    ("find me on discord as moonlitfox", "moonlitfox"),
    ("follow jo_b_art on insta for the pics", "jo_b_art"),
    ("my snapchat is kayleighxo", "kayleighxo"),
    ("I write at janesmithwrites.co.uk about it.", "janesmithwrites.co.uk"),
    ("My blog is janesmithwrites.wordpress.com now.", "janesmithwrites.wordpress.com"),
    ("Send it to paypal.me/jobart please.", "paypal.me/jobart"),
    ("All my links are at linktr.ee/jobart", "linktr.ee/jobart"),
    ("The van, reg number K456 XYZ, was found.", "K456 XYZ"),
    ("my old car was a silver astra, P123 ABC, always breaking down", "P123 ABC"),
    ("He parked the van, ABC 123D, outside.", "ABC 123D"),
    ("pay it into 12-34-56 87654321 by friday", "12-34-56"),
    ("pay it into 12-34-56 87654321 by friday", "87654321"),
    ("the account the money should go into: 72-10-48, 00619372.", "72-10-48"),
    ("the account the money should go into: 72-10-48, 00619372.", "00619372"),
    ("driving licence MORGA753116SM9IJ", "MORGA753116SM9IJ"),
    ("my passport 533401372 was lost", "533401372"),
    ("They gave me hospital no RX1234567.", "RX1234567"),
])
def test_other_direct_identifiers_in_their_rarer_forms(found, text, identifier):
    assert (identifier, "OTHER_ID") in found(text)


@pytest.mark.parametrize("text", ["i posted 100s on insta lol", "I'm on tiktok as well.", "I saw it on facebook.com first.",
                                  "We were in the 2019 student intake.", "I was a patient 3 times.",
                                  "The A123 road was shut."])
def test_what_is_no_other_identifier(found, text):
    assert not any(kind == "OTHER_ID" for _t, kind in found(text))


@pytest.mark.parametrize(("text", "identifier", "kind"), [
    ("Call me on oh seven seven double oh nine double oh one two three.",
     "oh seven seven double oh nine double oh one two three", "PHONE"),
    ("I live in LL11 now.", "LL11", "POSTCODE"),
    ("I moved to M14 last year.", "M14", "POSTCODE"),
    ("we're in the SK14 area", "SK14", "POSTCODE"),
    ("email me: jo[at]example.org", "jo[at]example.org", "EMAIL"),
    ("or jo@example dot org", "jo@example dot org", "EMAIL"),
    ("write to j.bloggs at example.org", "j.bloggs at example.org", "EMAIL"),
    ("It was on 3.3.24 that it happened.", "3.3.24", "DATE"),
    ("see you on 16/12 at the hub", "16/12", "DATE"),
    ("Christmas '21 was awful.", "Christmas '21", "DATE"),
    ("D.O.B. 12-04-1988", "12-04-1988", "DATE"),
    ("dob 12-04-88", "12-04-88", "DATE"),
])
def test_contact_details_and_dates_in_rarer_forms(found, text, identifier, kind):
    assert (identifier, kind) in found(text)


@pytest.mark.parametrize("text", ["We got stuck on the M60 again.", "I had B12 injections.", "I have one two three things.",
                                  "I got 10 years clean in March.", "D.O.B. was on the form."])
def test_what_is_no_contact_detail_or_name(found, text):
    assert not {kind for _t, kind in found(text)} & {"PHONE", "POSTCODE", "PLACE", "ORG", "PERSON"}


def test_the_workshop_version_hides_ages_handles_and_bank_details(app, make_user, make_story):
    researcher = make_user("researcher")
    story = make_story(title="Money", body="my two (4 and 6) were hungry. add me on tiktok, im bexbright. "
                                           "pay it into 12-34-56 87654321 if you can.")
    decisions.review(researcher, story.id)
    decisions.accept_all(researcher, story.id)
    assert reading.render(story)[1] == ("my two ([age] and [age]) were hungry. add me on tiktok, im [identifier]. "
                                        "pay it into [identifier] [identifier] if you can.")


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("cant make it 2nite lol. going to the willow project after", "willow project", "ORG"),
    ("im at the grange centre most days. its ok", "grange centre", "ORG"),
    ("i got a place at the cedars unit. finally", "cedars unit", "ORG"),
    ("she does the food parcels at st marys. its really good", "st marys", "ORG"),
    ("she does the food parcels at holy trinity. ask for her", "holy trinity", "ORG"),
    ("We met at Holy Trinity on Sundays.", "Holy Trinity", "ORG"),
    ("Everyone calls her Tita Rosie.", "Tita Rosie", "PERSON"),
    ("Nani Shireen made the tea.", "Nani Shireen", "PERSON"),
])
def test_lower_case_services_churches_and_family_titles(found, text, name, kind):
    assert (name, kind) in found(text)


@pytest.mark.parametrize("text", [
    "i went to the youth project. it was ok", "i was at the mental health unit. never again",
    "i went to the same centre. it was ok", "The Holy Spirit moved me that day.",
    "My nan says I should try St John's wort.", "I'll call him Mr D, who had not spoken to anyone.",
    "Since Ba died he won't come down.", "the Trust bought a new system that is slower.",
    "The Integrated Care Board took her points away.", "we started after Jummah. the brothers came",
    "- Coordinator: 07700 900123", "cant make it 2nite lol. stuck at home",
])
def test_generic_services_initials_kinship_and_observances_are_not_names(found, text):
    assert not {kind for _t, kind in found(text)} & {"PERSON", "PLACE", "ORG"}


def test_text_message_and_is_no_part_of_a_name(found):
    got = found("bumped into uncle tunji outside greggs n he gave us a fiver. sound")
    assert not any(text.endswith(" n") for text, _kind in got)


@pytest.mark.parametrize(("text", "identifier"), [
    ("Account no. 41882093, sort code 204577.", "204577"),
    ("My UTR 1234567890 is on the letter.", "1234567890"),
    ("my youtube channel is BexBrightVlogs", "BexBrightVlogs"),
])
def test_labelled_numbers_and_channels(found, text, identifier):
    assert (identifier, "OTHER_ID") in found(text)


def test_a_lower_case_first_name_told_something_is_a_person(found):
    assert ("robin", "PERSON") in found("cant make it, no bus. tell robin im sorry. ill be late")
    assert not any(kind == "PERSON" for _t, kind in found("dont tell will to come. he is a pain. ok"))


def test_a_name_stops_before_a_preposition_and_car_models_are_nobody(found):
    got = found("The Haven on Eccles New Road opens at six. They towed my van, a white Transit, on Monday.")
    assert any(text == "Haven" for text, _kind in got) and not any(text.endswith(" on") for text, _kind in got)
    assert not any(text == "Transit" for text, _kind in got)


@pytest.mark.parametrize(("text", "age"), [
    ("Dad's 84 this year.", "84"), ("Now 33, I volunteer at the centre.", "33"),
    ("Aisha, now 12, still remembers.", "12"), ("My son, now 19, lives in Leeds.", "19"), ("Me at 15: angry, lost.", "15"),
])
def test_ages_after_now_a_possessive_or_before_a_colon(found, text, age):
    assert age in ages(found(text))


@pytest.mark.parametrize("text", ["We meet at 15:30 on Tuesdays.", "The bus, now 20, runs late.", "Now 3, 4 and 5 of us go."])
def test_clock_times_and_counts_after_now_are_not_ages(found, text):
    assert not ages(found(text))


@pytest.mark.parametrize(("text", "identifier", "kind"), [
    ("insta - jobart_", "jobart_", "OTHER_ID"), ("my insta's jo.b.art", "jo.b.art", "OTHER_ID"),
    ("my gamertag is DarkKnight77", "DarkKnight77", "OTHER_ID"), ("my psn is DarkKnight77", "DarkKnight77", "OTHER_ID"),
    ("prison number A1234BC", "A1234BC", "OTHER_ID"), ("my MRN is 10098234", "10098234", "OTHER_ID"),
    ("New Year's Eve 2019 was rough.", "New Year's Eve 2019", "DATE"), ("LS6 area is where I grew up.", "LS6", "POSTCODE"),
])
def test_more_handles_record_numbers_dates_and_areas(found, text, identifier, kind):
    got = found(text)
    assert (identifier, kind) in got
    assert not {k for _t, k in got} & {"PERSON", "PLACE", "ORG"}


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("omg the zumba at st ann's community centre is sooo good. go", "st ann's community centre", "ORG"),
    ("we went to st marys primary. it was ok", "st marys primary", "ORG"),
    ("instructor is called bunmi n shes hilarious. first class free x", "bunmi", "PERSON"),
    ("Pearl has run Little Acorns for twenty years and she knew my mum.", "Little Acorns", "ORG"),
    ("I volunteer at Open Door on Fridays.", "Open Door", "ORG"),
])
def test_services_named_by_english_words_and_text_message_names(found, text, name, kind):
    assert (name, kind) in found(text)


def test_someone_joined_or_worked_for_is_no_organisation(found):
    assert not any(kind == "ORG" for _t, kind in found("He joined Rose Bailey at the table."))
    assert not any(kind == "ORG" for _t, kind in found("He joined Mum and Dad at the table."))


@pytest.mark.parametrize(("text", "name"), [
    ("went round to priya's after. her mum made dal. so good", "priya"),
    ("I stayed at Lily's.", "Lily"), ("We went back to Bilal's after the match.", "Bilal"),
    ("yasmin n me are doing the 10k. sponsor us lol. link in bio", "yasmin"),
])
def test_somebodys_home_and_somebody_and_me_are_people(found, text, name):
    assert (name, "PERSON") in found(text)


def test_a_dictionary_word_in_lower_case_writing_is_no_person(found):
    got = found("my mate callum from the boxing gym sorted me out. hes 19. legend")
    assert not any(text == "gym" for text, _kind in got)


def test_numbered_list_items_label_people():
    text = "## Our volunteers\n\n1. Gwenllian: Mondays, the sewing circle\n2. Noor-ul-Ain Qureshi: Fridays\n3. Note: a flask\n"
    got = {(p.text, p.type) for p in deid.detect(text)}
    assert {("Gwenllian", "PERSON"), ("Noor-ul-Ain Qureshi", "PERSON")} <= got
    assert not any(t == "Note" for t, _k in got)


@pytest.mark.parametrize(("text", "name"), [
    ("We meet at the gates at half nine, and Iestyn brings the flask.", "Iestyn"),
    ("me n ciara got the bus out. ciaras nanny is 91 and still smokes. ciara says hi", "ciaras"),
])
def test_people_by_what_they_do_and_a_possessive_without_its_apostrophe(found, text, name):
    assert (name, "PERSON") in found(text)


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("- Talking to Oluwaseun at the Harbour Hub every Thursday", "Oluwaseun", "PERSON"),
    ("Our oldest singer, Winston, is 89; our youngest is 12.", "Winston", "PERSON"),
    ("Chester said it was fine.", "Chester", "PERSON"),
    ("We moved to Stanley in 2010.", "Stanley", "PLACE"),
    ("Crewe is 20 minutes away.", "Crewe", "PLACE"),
])
def test_a_town_that_is_a_first_name_is_a_person_where_a_person_is_meant(text, name, kind):
    assert (name, kind) in {(p.text, p.type) for p in deid.detect(text)}


@pytest.mark.parametrize(("text", "name"), [
    ("We sat on the steps of the Ellison Building till it got dark.", "Ellison Building"),
    ("By then I worked above Muirhouse Shopping Centre with six others.", "Muirhouse Shopping Centre"),
    ("Send the forms to the Manningham office, not the old one.", "Manningham"),
    ("She ran the group out of the Longsight library on Stockport Road.", "Longsight"),
])
def test_buildings_and_the_area_an_office_is_named_for_are_places(text, name):
    assert (name, "PLACE") in {(p.text, p.type) for p in deid.detect(text)}


def test_a_nationality_before_a_place_word_is_no_place(found):
    assert not found("We lived at the Polish end of the street.")


def test_a_byline_names_a_person_and_a_group_called_something_is_an_organisation():
    got = {(p.text, p.type) for p in deid.detect("# The Bridge Project, by Nkem\n\nWe started a WhatsApp group "
                                                  "called Dads Who Talk after Gareth lost his job.")}
    assert {("Nkem", "PERSON"), ("Dads Who Talk", "ORG")} <= got
    assert not {(p.text, p.type) for p in deid.detect("It was written by Mum\n")}


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("I manage the Crisis Recovery Unit at Meadowbrook. On Monday we had a man in.", "Meadowbrook", "ORG"),
    ("By sixteen I was in Ashgrove, the adolescent unit, the youngest there.", "Ashgrove", "ORG"),
    ("got discharged from roseberry park this morning. nurse chidi said hi. ok", "roseberry park", "ORG"),
    ("In the end I was admitted to Ward 7 at the hospital.", "Ward 7", "ORG"),
    ("The Shree Sanatan Mandir sends someone on Sundays.", "Shree Sanatan Mandir", "ORG"),
    ("Comfort runs the Tuesday drop-in at Lozells Methodist Church.", "Lozells Methodist Church", "ORG"),
    ("Come along to Splott Community Hall, 52 Railway Street.", "Splott Community Hall", "ORG"),
    ("We lived in Denton, a town near Manchester.", "Denton", "PLACE"),
])
def test_a_hospital_or_unit_named_like_a_place_is_an_organisation(text, name, kind):
    assert (name, kind) in {(p.text, p.type) for p in deid.detect(text)}


@pytest.mark.parametrize(("text", "identifier", "kind"), [
    ("her date of birth is 7.9.52.", "7.9.52", "DATE"),
    ("we lived somewhere in bb3 something, i forget", "bb3", "POSTCODE"),
    ("the old flat was le4 7 something near the park", "le4 7", "POSTCODE"),
    ("write to 12 Mill Road, DN14 ... and she will pass it on", "DN14", "POSTCODE"),
    ("The clinic kept asking for my patient number, GH5512087, every visit.", "GH5512087", "OTHER_ID"),
    ("my staff ID at the depot was 44719026 for eleven years", "44719026", "OTHER_ID"),
    ("he asked for my passport, number 771204556, twice", "771204556", "OTHER_ID"),
    ("my username there is quiet_otter_77 if you want to chat", "quiet_otter_77", "OTHER_ID"),
    ("ask Jo for the link (she's jo_knits_socks on there)", "jo_knits_socks", "OTHER_ID"),
    ("You can find me on Facebook as Morag Bakes Dundee these days.", "Morag Bakes Dundee", "OTHER_ID"),
    ("my poems are at gwenwrites.blog now", "gwenwrites.blog", "OTHER_ID"),
    ("search for brum mum diaries on spotify", "brum mum diaries", "OTHER_ID"),
    ("Dad still drives his old Ford, K481 DWE, to the allotment.", "K481 DWE", "OTHER_ID"),
    ("I'm Oluwaseun Adeyemi-Grant, 44, and I run the choir.", "44", "AGE"),
    ("Gran says she's seventy-ish, which nobody believes.", "seventy-ish", "AGE"),
    ("The form had my age as 52 and I had to correct it.", "52", "AGE"),
])
def test_years_partial_postcodes_record_numbers_handles_pages_and_ages(found, text, identifier, kind):
    assert (identifier, kind) in found(text)


@pytest.mark.parametrize(("text", "not_this"), [
    ("if ur 14 or 15 u can come on tuesdays", ("14", "AGE")),
    ("if you're under 18 you need a parent to sign", ("18", "AGE")),
    ("my brother is 15 and acts like hes 4", ("4", "AGE")),
    ("It was six lads and a kettle at first.", ("six", "AGE")),
    ("The room number in 2019 was different.", ("different", "DATE")),
    ("we were a team of 2010 volunteers", ("2010", "DATE")),
    ("We opened the shop in 2011 with a borrowed van.", ("2011", "DATE")),
    ("back in 1997 i was living in a hostel", ("1997", "DATE")),
    ("I have been clean since 2021, one day at a time.", ("2021", "DATE")),
    ("We went in summer 2019.", ("summer 2019", "DATE")),
    ("until March last year I'd never missed one", ("March last year", "DATE")),
    ("We meet Tues 04/02, 10.30, with the doctor.", ("10.30", "DATE")),
    ("Walking along Mill Road, Sunday morning, I saw her.", ("Sunday", "POSTCODE")),
])
def test_conditions_comparisons_counts_and_other_numbers_are_not_ages_or_dates(found, text, not_this):
    assert not_this not in found(text)


@pytest.mark.parametrize(("text", "place"), [
    ("She came down from Cumbria to see us.", "Cumbria"),
    ("We had a caravan in Norfolk every summer.", "Norfolk"),
])
def test_counties_name_nobody(found, text, place):
    assert (place, "PLACE") not in found(text)


@pytest.mark.parametrize("text", [
    "Sunday, Nan's for dinner and then home.",
    "Mum says I should forgive. Nan says I should complain.",
    "the man from the housing says we can move in may",
    "the council rang about the flat again",
])
def test_kinship_words_services_and_a_word_after_an_article_are_nobody(found, text):
    assert not any(kind == "PERSON" for _t, kind in found(text)), found(text)


@pytest.mark.parametrize(("text", "identifier", "kind"), [
    ("Client: Jolene Pascoe, RiO 4471092, seen at home.", "4471092", "OTHER_ID"),
    ("Subject: referral, CHI 0402516637", "0402516637", "OTHER_ID"),
    ("Children's Social Care – Mosaic ID 3318472", "3318472", "OTHER_ID"),
    ("interpreter booked via the line, ref LL-882310. Home visit next.", "LL-882310", "OTHER_ID"),
    ("has an open referral (ref NAV/26/10554).", "NAV/26/10554", "OTHER_ID"),
    ("I'm a 2nd year student (ID 500712345) and struggling", "500712345", "OTHER_ID"),
    ("Age: 19   Hosp no: L1029384", "L1029384", "OTHER_ID"),
    ("Lost his boat, the Morwenna Jane (PZ 1142), in the storm.", "PZ 1142", "OTHER_ID"),
    ("two days after my 30th birthday I was admitted", "30th", "AGE"),
    ("Tamsin's 16 today!! so proud", "16", "AGE"),
    ("- Bed 3: Mr Gerald Ashby, 58. Settled overnight.", "58", "AGE"),
])
def test_bare_record_labels_boat_numbers_birthdays_and_ages_beside_a_name(found, text, identifier, kind):
    assert (identifier, kind) in found(text)


def test_a_number_in_brackets_after_a_name_the_model_found_is_an_age():
    assert ("7", "AGE") in {(p.text, p.type) for p in deid.detect("Asked about her son Bishal (7), who is with her sister.")}


@pytest.mark.parametrize(("text", "not_this"), [
    ("the ID 2019 intake", ("2019", "OTHER_ID")),
    ("quote ref 12 when you ring", ("12", "OTHER_ID")),
    ("CHI 0402516637", ("0402516637", "PHONE")),
    ("Ring Dev Patel, 12 Mill Lane, for the keys.", ("12", "AGE")),
    ("Ward 3 had 12 beds and a boat painting.", ("Ward 3", "OTHER_ID")),
])
def test_what_a_bare_label_or_a_name_before_a_number_does_not_make(found, text, not_this):
    assert not_this not in found(text)


@pytest.mark.parametrize(("text", "branch"), [
    ("Sky works nights at the Tesco on Westgate Road, and Jack trains.", "Tesco on Westgate Road"),
    ("Pick up the prescription from Boots on Stapleton Road.", "Boots on Stapleton Road"),
    ("lol we got kicked out of the cornhill mcdonalds again", "cornhill mcdonalds"),
    ("got my interview at the Friars Walk Primark!!! wish me luck", "Friars Walk Primark"),
])
def test_a_chain_is_an_organisation_only_as_a_branch_named_by_its_place(found, text, branch):
    assert (branch, "ORG") in found(text)


@pytest.mark.parametrize("text", [
    "I worked at Primark for six years and then at Asda.",
    "Dad's been parked up at Morrisons in his car all day again.",
    "The Home Office put me in a hotel for a month.",
    "I was told to contact Student Services but nobody replied.",
])
def test_chains_in_passing_and_national_bodies_name_nobody(found, text):
    assert not any(kind == "ORG" for _t, kind in found(text)), found(text)


def test_a_name_ends_with_its_form_field():
    got = {(p.text, p.type) for p in deid.detect("Patient: Tyler Jay Bainbridge   DOB: 09/09/2003   Age: 23")}
    assert ("Tyler Jay Bainbridge", "PERSON") in got


@pytest.mark.parametrize(("text", "identifier", "kind"), [
    ("my friend Ola from the Polish church on Fitzwilliam St told me", "Fitzwilliam St", "PLACE"),
    ("The hearing is at the Magistrates, Princes St. solicitor is Ms Adebayo.", "Princes St", "PLACE"),
    ("The woman at the desk, Carol-Anne, was kind about it.", "Carol-Anne", "PERSON"),
])
def test_streets_cut_short_and_joined_first_names(text, identifier, kind):
    assert (identifier, kind) in {(p.text, p.type) for p in deid.detect(text)}


@pytest.mark.parametrize("text", ["INT: And where were you living then?", "REFERRAL – Talking Therapies Tees",
                                  "Home visit to Mr Euan MacInnes (CHI 1207894412) at his flat."])
def test_a_transcript_label_a_heading_in_capitals_or_a_record_system_is_no_organisation(found, text):
    assert not any(kind == "ORG" and t.isupper() for t, kind in found(text)), found(text)


@pytest.mark.parametrize(("text", "name"), [
    ("Name: Agnieszka Wróblewska\nPreferred name: Aga\nAddress: Flat 3", "Aga"),
    ("Child: Lacey-Mae Cartwright (DOB 11/04/2017), aged 9", "Lacey-Mae Cartwright"),
    ("Care coordinator: Bethan Yeo, tel 01632 960 417.", "Bethan Yeo"),
    ("FACILITATOR (Dawn): Right, who wants to start?\nLEE: I will.", "Dawn"),
    ("FACILITATOR (Dawn): Right, who wants to start?\nLEE: I will.", "LEE"),
])
def test_a_form_field_for_a_person_and_a_transcript_speaker_in_capitals_are_names(text, name):
    assert (name, "PERSON") in {(p.text, p.type) for p in deid.detect(text)}


def test_a_field_for_a_body_is_no_name():
    assert not any(p.type == "PERSON" for p in deid.detect("Referrer: Housing Options Team\nReason: rent arrears"))


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("Case note – Exeter CMHT (Wonford House)", "Exeter CMHT", "ORG"),
    ("who has been under the Lincoln Early Intervention team since spring", "Lincoln Early Intervention", "ORG"),
    ("Thanks to Stirling Albion for the pitch and the kit.", "Stirling Albion", "ORG"),
    ("We drove out to Holme Wood where her mum still lives.", "Holme Wood", "PLACE"),
    ("the appointment was meant to be on harbour ward, the one up at mereside. ok", "harbour ward", "ORG"),
])
def test_a_team_named_by_its_area_and_a_name_that_starts_with_a_town(text, name, kind):
    assert (name, kind) in {(p.text, p.type) for p in deid.detect(text)}
