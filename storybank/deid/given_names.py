"""First names people in UK stories carry, from the name lists `faker` ships (nothing is downloaded).

Faker keeps first names per locale; the locales below are the ones whose names are
written in Latin letters and whose speakers live in Britain in numbers (British,
Irish, South Asian, West and East African, Polish, Turkish, Vietnamese, …). The
list decides whether a capitalised word the model did not mark can be a person
("Bilal", "Przemek" are; "Pennine", "Gorgie" are not); where a first name is also
an ordinary word ("Summer", "Frank"), the word still needs a name position.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

LOCALES = ("en", "en_GB", "en_IE", "en_AU", "en_NZ", "en_CA", "ga_IE", "en_US", "en_IN", "en_PK", "en_NG", "en_KE", "yo_NG", "ig_NG", "ha_NG",
           "tw_GH", "zu_ZA", "sw", "pl_PL", "ro_RO", "lt_LT", "lv_LV", "cs_CZ", "sk_SK", "hu_HU", "sl_SI", "hr_HR",
           "tr_TR", "vi_VN", "id_ID", "fr_FR", "de_DE", "it_IT", "es_ES", "pt_PT", "pt_BR", "nl_NL", "da_DK",
           "sv_SE", "no_NO", "fi_FI", "et_EE", "az_AZ", "uz_UZ", "sq_AL", "bs_BA", "fil_PH", "tl_PH")
_FIRST = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
_LAST = ("last_names", "last_names_male", "last_names_female")


@lru_cache(maxsize=2)
def _names(attributes: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue  # a locale this faker version does not ship
        for attribute in attributes:
            names = getattr(provider, attribute, None)
            if isinstance(names, (list, tuple, dict, set, frozenset)):
                found.update(n for n in names if isinstance(n, str) and n[:1].isupper() and n.replace("-", "").isalpha())
    return frozenset(found)


def first_names() -> frozenset[str]:
    """First names as written ("Bilal", "Mary-Kate"), loaded once."""
    return _names(_FIRST)


def last_names() -> frozenset[str]:
    """Family names as written ("Bailey", "Mwangi"), loaded once."""
    return _names(_LAST)


def is_first_name(word: str) -> bool:
    """Is `word`, as written with a capital, a first name somebody is given ("Carol-Anne": two joined)?"""
    if "-" in word.strip("-") and word[:1].isupper():
        return all(is_first_name(part) for part in word.split("-"))
    return word in first_names() or (word[:1].isupper() and word[1:].islower() and word.capitalize() in first_names())
