"""The kind an organisation or place proposal ends up with, and places and organisations found by their shape
(lower-case streets and businesses, flats, bodies named after their kind, Welsh villages)."""
from __future__ import annotations

import pytest
from conftest import deid_found

from storybank.deid import detect as deid
from storybank.deid import kinds


def kind_of(text: str, entity: str, kind: str = "ORG") -> tuple[str, str]:
    """What `kinds.corrected` makes of `entity` (as the model proposed it) in `text`: (span, kind)."""
    start = text.index(entity)
    s, e, k = kinds.corrected(text, start, start + len(entity), kind)
    return text[s:e], k


@pytest.mark.parametrize(("text", "entity", "person"), [
    ("Last spring my cousin Tendai Mapfumo drove me to every appointment.", "Tendai Mapfumo", "Tendai Mapfumo"),
    ("He said his girlfriend Jolene keeps the spare key.", "Jolene", "Jolene"),
    ("Son Ruairidh stayed over on the sofa.", "Son Ruairidh", "Ruairidh"),
    ("Present: OT Marguerite Vance, the consultant and me.", "OT Marguerite Vance", "Marguerite Vance"),
    ("Best wishes,\nOyelaran Badmus, Service Manager", "Oyelaran Badmus", "Oyelaran Badmus"),
    ("Signed, Lacey-Mae", "Lacey-Mae", "Lacey-Mae"),
    ("lol its niamh, my phone died", "niamh", "niamh"),
    ("The blessing was said by Rev. Obinna Eze at the end.", "Obinna Eze", "Obinna Eze"),
])
def test_a_person_the_model_calls_an_organisation_is_a_person(text, entity, person):
    assert kind_of(text, entity) == (person, "PERSON")


@pytest.mark.parametrize(("text", "entity"), [
    ("Address: Flat 4, Ravenscar House, Byker, Newcastle NE6 1AB", "Ravenscar House"),
    ("She moved to 12 Poppyfield Court, Wetherby, LS22 6XY last year.", "Poppyfield Court"),
    ("We lived on Albemarle Boulevard for a while.", "Albemarle Boulevard"),
    ("the letter says 7c fernlea by friday", "7c fernlea"),
    ("Meet at the Tollcross car park at ten.", "Tollcross"),
])
def test_a_home_or_street_the_model_calls_an_organisation_is_a_place(text, entity):
    assert kind_of(text, entity)[1] == "PLACE"


@pytest.mark.parametrize(("text", "entity"), [
    ("Most nights he has four cans of Carling and no tea.", "Carling"),
    ("Nothing helped like Pickle (our whippet) on my lap.", "Pickle"),
    ("They came to fix his blue Vauxhall Corsa on Monday.", "Vauxhall"),
    ("If I miss the call they sanction my PIP again.", "PIP"),
    ("She came over on the ILR route in the end.", "ILR"),
    ("Contact: Dani, Housing Support Worker, on the ward line.", "Housing Support"),
    ("Ref no: KTX 4471203 on the letter.", "KTX"),
    ("We had the Stone Roses on repeat all summer.", "Stone Roses"),
    ("States he has not slept since Tuesday.", "States"),
])
def test_products_pets_cars_schemes_job_titles_and_bands_name_nothing(text, entity):
    assert kind_of(text, entity)[1] == kinds.NOTHING


@pytest.mark.parametrize(("text", "entity"), [
    ("She spent three years at Meadowcroft children's home.", "Meadowcroft"),
    ("I volunteer with Barnsley Carers Together on Fridays.", "Barnsley Carers Together"),
    ("Then I got my flat through Brightwater, thank God.", "Brightwater"),
    ("We met at ellwood recovery hub most weeks.", "ellwood recovery hub"),
    ("The service was at Capel Salem on the hill.", "Capel Salem"),
    ("She slept at the Quayside shelter for a month.", "Quayside"),
])
def test_a_place_that_is_an_institution_is_an_organisation(text, entity):
    assert kind_of(text, entity, "PLACE")[1] == "ORG"


@pytest.mark.parametrize(("text", "entity"), [
    ("I was a patient at Lindenbrook Hospital for a month.", "Lindenbrook Hospital"),
    ("The Crown Court sent a letter.", "Crown Court"),
    ("Send it to Riverside Surgery, Mill Street, Hexham NE46 1AA.", "Riverside Surgery"),
    ("My Turning Point worker rang twice.", "Turning Point"),
    ("We found him through Brightways, a rescue dog charity.", "Brightways"),
    ("Half the Everton fans were in the pub.", "Everton"),
])
def test_named_services_stay_organisations(text, entity):
    assert kind_of(text, entity) == (entity, "ORG")


@pytest.mark.parametrize(("text", "entity"), [
    ("We came through Nairobi in the end.", "Nairobi"),
    ("We drove through Gorbals at midnight.", "Gorbals"),
    ("Meet outside Kingsgate Shopping Centre at two.", "Kingsgate Shopping Centre"),
])
def test_places_stay_places(text, entity):
    assert kind_of(text, entity, "PLACE") == (entity, "PLACE")




found = deid_found


@pytest.mark.usefixtures("rules_only")
def test_lower_case_streets_with_a_number_or_after_on():
    got = found("ok so im at 9 kestrel rd now. the shop on bramley lane shuts at 6, a 4 hour drive for mum")
    assert ("9 kestrel rd", "PLACE") in got and ("bramley lane", "PLACE") in got
    assert not any("hour" in text for text, _ in got)


@pytest.mark.usefixtures("rules_only")
def test_lower_case_businesses_and_bare_named_services():
    got = found("my landlord is with drumcraig housing now and i do shifts at pellowe foods. "
                "see u at skelbrook youth club later")
    assert {("drumcraig housing", "ORG"), ("pellowe foods", "ORG"), ("skelbrook youth club", "ORG")} <= got
    assert not {text for text, _ in found("i do shifts at the youth club and the food bank")} & {"youth club"}
    assert not found("hiya. see u at breakfast club tmrw then at chess club. ok x")


@pytest.mark.usefixtures("rules_only")
def test_a_flat_an_estate_and_a_body_named_after_its_kind():
    assert ("Flat 9", "PLACE") in found("Ms Ewa Nowak\nFlat 9\nKestrel House\nSelby\nYO8 4AB")
    assert ("Flat 2, 31 Cobden Street", "PLACE") in found("Send it c/o Flat 2, 31 Cobden Street please.")
    assert ("brynhyfryd", "PLACE") in found("hiya. just to say i got the flat on the brynhyfryd in the end. "
                                            "ill text u the address when i have it x")
    assert ("Mums Who Climb", "ORG") in found("I set up the Facebook group Mums Who Climb last year.")
    assert ("Open Doors", "ORG") in found("The nurse said she would refer me to Open Doors.")


@pytest.mark.usefixtures("rules_only")
def test_welsh_villages_by_their_spelling_but_not_names():
    assert ("Cwmffrwdoer", "PLACE") in found("She grew up in Cwmffrwdoer, up the valley.")
    assert not {text for text, kind in found("Llewellyn came round with Bryn and Glyn.") if kind == "PLACE"}


@pytest.mark.usefixtures("rules_only")
def test_a_place_of_worship_by_its_name_before_its_kind():
    assert ("Darul Uloom mosque", "ORG") in found("On Fridays we go to the Darul Uloom mosque on Carlton Road.")
    assert ("Noor ul-Huda masjid", "ORG") in found("He teaches at the Noor ul-Huda masjid now.")
    assert not any(kind == "ORG" for _, kind in found("We went to the Polish church, then the Sikh temple."))


@pytest.mark.usefixtures("rules_only")
def test_a_lower_case_house_by_its_name_but_not_somebodys_home():
    got = found("hiya. the night i walked out of glenmorrow house i rang u. then i slept at tanvirs house. ok x")
    assert ("glenmorrow house", "ORG") in got and ("tanvirs house", "ORG") not in got


@pytest.mark.parametrize(("text", "entity", "kind", "person"), [
    ("Supervision notes.\nLine manager: Eluned Prosser, eluned@example.org", "Eluned Prosser", "ORG", "Eluned Prosser"),
    ("I rang my support worker there, Carys, who said no.", "Carys", "ORG", "Carys"),
    ("Then my coach, Big Terry, told me to rest.", "Big Terry", "ORG", "Big Terry"),
    ("It was a woman called Nuala Ward from the tenants group.", "Nuala Ward", "ORG", "Nuala Ward"),
    ("A lad who calls himself Falcon messaged her.", "Falcon", "ORG", "Falcon"),
    ("Phone call from Ottilie Drummond about her son.", "Ottilie Drummond", "PLACE", "Ottilie Drummond"),
    ("See you all Thursday.\nWendell D", "Wendell D", "ORG", "Wendell D"),
    ("Jola, 37, has lived here since June.", "Jola", "ORG", "Jola"),
    ("Kwame, a 29-year-old plumber, was seen today.", "Kwame", "PLACE", "Kwame"),
    ("[Voice note to the group, from Ayaanle] Hi all.", "Ayaanle", "PLACE", "Ayaanle"),
    ("Giani Amrik Singh led the prayers.", "Giani Amrik Singh", "ORG", "Giani Amrik Singh"),
    ("Referral for Tamsin Holloway, DOB 02/03/1990", "Tamsin Holloway, DOB", "ORG", "Tamsin Holloway"),
    ("Transcript\nZAINAB: hi\nKEV: hiya", "ZAINAB", "PLACE", "ZAINAB"),
])
def test_people_by_their_label_role_age_or_header_are_people(text, entity, kind, person):
    assert kind_of(text, entity, kind) == (person, "PERSON")


@pytest.mark.parametrize(("text", "entity"), [
    ("Meds on discharge: quetiapine 25mg nocte, mirtazapine 15mg mane.", "nocte"),
    ("She found it on the library iPad.", "iPad"),
    ("REFERRAL TO EARLY INTERVENTION TEAM\nName: …", "REFERRAL TO EARLY INTERVENTION"),
    ("Seen by the Perinatal Mental Health Service on Monday.", "Perinatal Mental Health Service"),
    ("[Voice note] Assalamu alaikum Apa, it's me.", "Assalamu alaikum Apa"),
    ("She got Mammy to the clinic in the end.", "Mammy"),
])
def test_headings_doses_devices_generic_services_and_greetings_name_nothing(text, entity):
    assert kind_of(text, entity)[1] == kinds.NOTHING


@pytest.mark.parametrize(("text", "entity", "kind", "new"), [
    ("We had a little terrace on Gallowgate for years.", "Gallowgate", "ORG", "PLACE"),
    ("supported accommodation at Fernlea House, 22 Chapel Street, Buxton.", "Fernlea House", "ORG", "PLACE"),
    ("the best spot was Porthcurno Cove at dawn.", "Porthcurno Cove", "ORG", "PLACE"),
    ("We lived in a caravan at Frampton for two summers.", "Frampton", "ORG", "PLACE"),
    ("I run the group at Cefnfaen, just outside Carmarthen.", "Cefnfaen", "ORG", "PLACE"),
    ("the b&b on sea lane now, mablethorpe, LN12. room 2", "LN12", "PLACE", "POSTCODE"),
    ("They run Patel Mini Market, 12 Albert Road.", "Patel Mini Market", "PLACE", "ORG"),
    ("My parents ran the Lucky Star takeaway for years.", "Lucky Star", "PLACE", "ORG"),
    ("I stopped going to Bethel, the chapel, after that.", "Bethel", "PLACE", "ORG"),
    ("Custody suite, Morpeth Police Station, 02:10.", "Morpeth Police Station", "PLACE", "ORG"),
])
def test_streets_buildings_shops_and_postcodes_get_their_kind(text, entity, kind, new):
    assert kind_of(text, entity, kind)[1] == new


@pytest.mark.parametrize(("text", "entity", "kind"), [
    ("My manager, Halton Council, wrote to me.", "Halton Council", "ORG"),
    ("NOTE: bring the forms", "NOTE", "PLACE"),
    ("Panel: Rhona Bell, youth worker, Dalmuir and Clydebank", "Dalmuir", "PLACE"),
    ("I sat outside the Asda at Filey Bay for an hour.", "Asda at Filey Bay", "ORG"),
    ("Took the A38 to Plymouth.", "A38", "PLACE"),
    ("She rang Leeds Mind, 41 Park Row.", "Leeds Mind", "ORG"),
])
def test_bodies_roads_and_labels_keep_their_kind(text, entity, kind):
    assert kind_of(text, entity, kind)[1] == kind


@pytest.mark.parametrize(("text", "org"), [
    ("She volunteers with the Open Door project in town.", "Open Door"),
    ("I do a shift at Second Helpings café on Fridays.", "Second Helpings"),
    ("Tŷ Hafan crisis house, Bangor", "Tŷ Hafan"),
])
def test_a_body_named_before_its_kind_in_lower_case_is_found(text, org):
    assert (org, "ORG") in [(p.text, p.type) for p in deid.detect(text)]


def test_a_kind_of_service_before_its_kind_is_no_name():
    assert not [p for p in deid.detect("The Hearing Voices project meets in a church.") if p.type == "ORG"]


@pytest.mark.parametrize(("text", "place"), [
    ("ok so im in the b&b on harbour parade now", "harbour parade"),
    ("She has a flat on the Pasadena estate now.", "Pasadena estate"),
])
def test_lower_case_parades_and_estates_named_like_cities_abroad_are_places(text, place):
    assert (place, "PLACE") in [(p.text, p.type) for p in deid.detect(text)]


@pytest.mark.parametrize(("text", "org"), [
    ("My grandad got work at Pilkington & Hale in 1962.", "Pilkington & Hale"),
    ("Met her in Caffi'r Felin at Bala.", "Caffi'r Felin"),
    ("nobody at Ysgol Bryn Tawel noticed.", "Ysgol Bryn Tawel"),
])
def test_firms_where_someone_works_and_welsh_bodies_named_kind_first_are_organisations(text, org):
    assert (org, "ORG") in [(p.text, p.type) for p in deid.detect(text)]


def test_two_people_someone_works_for_are_no_firm():
    assert not [p for p in deid.detect("She worked for Tom and Jo on the stall.") if p.type == "ORG"]
