"""People named by where a line, a letter or a message puts them (storybank/deid/speakers.py), found by the
rules alone: chat and transcript speakers in any case, greetings and sign-offs, nicknames, forms' lists,
text-message names; and the labels, pets and phrases that are nobody."""
from __future__ import annotations

import pytest

from storybank.deid import detect as deid

pytestmark = pytest.mark.usefixtures("rules_only")


def people(text: str) -> list[str]:
    return [p.text for p in deid.detect(text) if p.type == "PERSON"]


def test_chat_speakers_in_lower_case_after_a_time_are_people_and_so_are_their_mentions():
    text = ("[09:02] keziah: r we still on for the swim\n"
            "[09:03] rhiannon: yes!! keziah bring ur goggles\n"
            "[09:05] keziah: lol ok\n")
    found = people(text)
    assert found.count("keziah") == 3 and found.count("rhiannon") == 1


def test_capital_speakers_with_titles_and_accents_are_people_but_roles_are_not():
    text = ("INT: When did you come to Leeds?\n"
            "MRS OYELARAN: In the winter. It was so dark.\n"
            "INT: And your son?\n"
            "ZOLTÁN: He came after. I am Zoltán, her nephew.\n"
            "MRS OYELARAN: He worked nights.\n")
    found = people(text)
    assert found.count("MRS OYELARAN") == 2
    assert "ZOLTÁN" in found and "Zoltán" in found
    assert "INT" not in found


def test_a_channel_speaker_with_an_initial_and_numbered_participants():
    text = ("[Slack] Priyesh K: can someone cover the drop-in\n"
            "[Slack] Priyesh K: thanks all\n"
            "P1: I'd rather not say the ward.\n"
            "P2: Same.\n")
    found = people(text)
    assert found.count("Priyesh K") == 2
    assert not {"P1", "P2"} & set(found)


def test_a_forms_fields_are_no_speakers():
    text = "Name: Ines Carvalho\nTel: 07700 900 123\nPostcode: LS6 2AB\nFollow-up: review in two weeks\n"
    found = people(text)
    assert "Ines Carvalho" in found
    assert not {"Tel", "Postcode", "Follow-up"} & set(found)


def test_greetings_sign_offs_and_a_name_here():
    text = ("Hi Oksana,\nThanks for the forms. Radhika here, from the Tuesday group.\n"
            "Kind regards,\nWinifred Adeyemi-Hart\n")
    found = people(text)
    assert {"Oksana", "Radhika", "Winifred Adeyemi-Hart"} <= set(found)
    assert not {"Hi", "Thanks", "Kind"} & set(found)


def test_greetings_to_everybody_name_nobody():
    assert people("Hi all,\nMorning everyone! Dear Sir or Madam, thanks team.") == []


def test_nicknames_between_a_name_and_a_surname_and_after_goes_by():
    found = people("Patient: Mr Bogdan 'Bodzio' Wrzesniewski, 61. Later he said he goes by \"Sparky\".")
    assert {"Bodzio", "Wrzesniewski", "Sparky"} <= set(found)


def test_a_bracketed_acronym_or_relation_is_no_nickname():
    found = people("Present: Dr Oriel Tremayne (RC), Saoirse Byrne (Mum), the duty nurse.")
    assert "RC" not in found and "Mum" not in found


def test_a_forms_list_of_people_names_each_one():
    found = people("Witness: Eluned Probert, Ceredigion Carers\nChildren: Kyan (7) and Tilly-Rae (4) Bassett\n")
    assert {"Eluned Probert", "Kyan", "Tilly-Rae"} <= set(found)
    assert "Ceredigion Carers" not in found


def test_text_message_names_after_w_slash_big_auntie_and_my_mates():
    text = ("hiya its jolene. ur physio appt w/ tamsin is fri. big stevie said he'll drive, "
            "then we get auntie pat. my mates deano and kyrie are coming too")
    found = set(people(text))
    assert {"jolene", "tamsin", "stevie", "auntie pat", "deano", "kyrie"} <= found


def test_sized_words_before_things_or_kinds_of_people_are_no_names():
    found = people("I also do a wee podcast. A big Somali lad helped, and old Trafford was packed.")
    assert not {"podcast", "Somali", "Trafford"} & set(found)


def test_pets_days_and_phrases_in_other_languages_are_nobody():
    found = people("We have a whippet called Biscuit. By Valentine's Day I was better. Khuda hafiz, Baji.")
    assert not {"Biscuit", "Valentine", "Khuda", "Baji"} & set(found)


def test_a_lower_case_first_name_where_only_a_name_stands():
    text = ("ok so the support worker was called hope and she was lush. my name is blossom btw. "
            "message me or kaia x. real name is ivy okonkwo-adeyemi")
    found = set(people(text))
    assert {"hope", "blossom", "kaia"} <= found
    assert any("okonkwo-adeyemi" in name for name in found)


def test_a_lower_case_word_after_called_that_names_a_thing_is_no_name():
    found = people("lol the club is called summer camp now. i hope u come")
    assert "summer" not in found and "hope" not in found


def test_initials_acronyms_e_mail_parts_and_places_of_worship_are_nobody():
    text = ("A man I'll call Mr T rang. HR kept ringing too. Write to tomos dot rees at example dot org. "
            "We met at the Bilal Masjid mosque. Nobody in Preston called it that.")
    found = people(text)
    assert not {"Mr T", "HR", "tomos dot", "Bilal", "Preston"} & set(found)


def test_two_text_message_names_after_with():
    assert {"kez", "tyra"} <= set(people("going to the art group with kez and tyra on thurs. cant wait lol"))


def test_a_name_in_brackets_after_a_relation():
    found = people("Lives with her partner (Morwenna) and two cats. She wrote her brother's name (Idris) down.")
    assert {"Morwenna", "Idris"} <= set(found)


def test_a_form_word_starting_a_line_short_weekdays_and_a_kind_called_something_are_nobody():
    text = "Assessment done.\nReferral made to the memory clinic.\nur appt is Weds 3rd. Has a Whippet called Rolo."
    found = people(text)
    assert not {"Referral", "Weds", "Whippet"} & set(found)


def test_a_forms_list_keeps_a_name_with_its_initial():
    assert {"Olamide", "Brian K", "Shirin"} <= set(people("Present: Olamide, Brian K, Shirin\nApologies: none"))


def test_repeated_form_labels_and_chat_roles_are_no_speakers():
    text = "Action: book the room\nAction: bring forms\nNote: hall\nNote: snacks\nmum: where r u\nme: bus\nmum: ok"
    assert people(text) == []


def test_lower_case_chat_mentions_greetings_with_an_emoji_and_a_possessive_after_this_is():
    text = ("[18:01] marta: me n oisin at the pool after 6\n"
            "[18:02] marta: oisin's new goggles lol\n"
            "[18:04] gethin: happy birthday oisin 🎉 see u there\n"
            "[18:05] gethin: just heard from saoirse, she cant make it\n"
            "[18:06] +44 7700 900111: hi this is dean's mum, he's got a cold\n")
    found = people(text)
    assert found.count("oisin") == 3
    assert "saoirse" in found and "dean" in found


def test_a_list_of_people_after_a_shout_out_or_new_members():
    found = people("Shout out to Ellie, Sunny and Rocco for the raffle. New members: Tomasz, Lars and Big Fez. Welcome!")
    assert {"Ellie", "Sunny", "Rocco", "Tomasz", "Lars", "Big Fez"} <= set(found)


def test_a_list_of_things_after_thanks_to_is_nobody():
    found = people("We said thanks to Tesco, Greggs and Asda for the food.")
    assert "Greggs" not in found and "Asda" not in found


def test_a_worker_named_after_their_body_a_nickname_leading_a_list_item_and_a_shortened_name():
    assert "Nerys" in people("Who referred you? My support worker at Tallis Housing, Nerys.")
    found = people('Residents:\n- "Tank" (Lewis Byrne), 41, room 3\n')
    assert "Tank" in found and "Lewis Byrne" in found
    assert "Olu" in people("She lives with her son Olusegun (Olu) and his wife.")


def test_a_lower_case_name_after_name_was_a_lower_case_doctor_and_initials_with_a_surname():
    assert "dean" in people("can u ring the housing officer, i think his name was dean?")
    assert "dr okonkwo" in people("Replies:\nsparrow99: dr okonkwo says wait a month\n")
    assert "j k mcbride" in people("pay it to sort code 11-22-33, name j k mcbride. ta")
    assert people("every contract must name a real person") == []


def test_names_in_a_markdown_table_under_a_name_column():
    text = ("| Name | DOB | Review |\n|---|---|---|\n| Adaeze Okoro | 01/02/1990 | May |\n"
            "| Citizens Advice | – | June |\n")
    found = people(text)
    assert "Adaeze Okoro" in found and "Citizens Advice" not in found


def test_royals_authors_read_firms_welsh_places_and_salutations_are_nobody():
    found = people("Dear Colleague,\nI read Zadie Smith and watched Princess Anne. "
                   "He worked at Pike & Lowe near Heol y Felin and Ysgol Penrhos.\nFella called Deji was there. "
                   "I had a Fenwicks bag. Everyone at the Swan called him Deji.\nCHI: 0101011234\n")
    for nobody in ("Colleague", "Zadie Smith", "Princess Anne", "Pike", "Lowe", "Felin", "Ysgol Penrhos", "Fella",
                   "Fenwicks", "Swan", "CHI"):
        assert nobody not in found, nobody
    assert "Deji" in found


def test_a_forum_handle_addressed_by_others_and_a_nickname_at_work():
    text = ("wrenfan: has anyone tried the new group\n"
            "sorrel: me, it was ok\n"
            "sorrel: bit loud tho\n"
            "mod_Tia: Wrenfan, please keep it kind\n")
    found = people(text)
    assert "wrenfan" in found and "Wrenfan" in found
    assert "JL" in people("My name is Jean-Luc Mbeki, JL at work. I came in 2009.")
    assert "JL" not in people("The report was signed by JL on Monday.")



def test_our_before_a_lower_case_name_the_worker_there_and_a_things_name():
    found = people("me n our callum got the bus to the beach. callum is 15 and he loves it there")
    assert found.count("callum") == 2
    assert "Anjali" in people("I went to the drop-in. The worker there, Anjali, is brilliant.")
    assert "Daisy" not in people("He still drives an old van, which he calls Daisy.")


def test_a_firm_a_welsh_building_and_a_pub_taken_for_people_are_organisations():
    found = {p.text: p.type for p in deid.detect("He worked at Pike & Lowe for years, then we met in Caffi'r Orsaf. "
                                                 "Everyone at the Swan knew him. She taught at Ysgol Penrhos.")}
    assert found.get("Pike & Lowe") == "ORG" and found.get("Swan") == "ORG"
    assert "PERSON" not in found.values()
