"""Phone number normalisation with the phonenumbers library (E.164, country, location)."""
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import geocoder

from gws_project.api.errors import InvalidValue

# What a dialable number may contain besides digits: a leading "+", and the usual separators.
_ALLOWED = re.compile(r"^\+?\(?[0-9][0-9 ()./-]*$")


@dataclass(frozen=True)
class NormalisedNumber:
    """A phone number as GWS presents it on a device."""

    phone_number: str
    e164_number: str
    digits: str
    country_name: str = ""
    country_code: str = ""
    calling_code: str = ""
    location: str = ""
    local_number: str = ""


def digits_only(value):
    return re.sub(r"\D", "", value)


def normalise(raw, region):
    """Normalise a phone number relative to the contact center's country (ISO alpha-2).

    A number that is a valid public number becomes E.164 with its country and location. Anything
    else made of digits (an extension such as "5001", a short code) is a private directory
    number and keeps its digits, as the Devices API examples show.
    """
    if not isinstance(raw, str):
        raise InvalidValue("phoneNumber must be a string")
    value = raw.strip()
    if not value or not _ALLOWED.match(value):
        raise InvalidValue(f"'{raw}' is not a valid phone number: use digits, optionally with a leading +")
    try:
        parsed = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        return NormalisedNumber(
            phone_number=value,
            e164_number=e164,
            digits=digits_only(e164),
            country_name=geocoder.country_name_for_number(parsed, "en"),
            country_code=phonenumbers.region_code_for_number(parsed) or "",
            calling_code=str(parsed.country_code),
            location=geocoder.description_for_number(parsed, "en"),
            local_number=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL),
        )
    if value.startswith("+"):
        raise InvalidValue(f"'{raw}' is not a valid international phone number")
    digits = digits_only(value)
    # No localNumber, location or country: the documents' private "3001" and "5001" show none.
    return NormalisedNumber(phone_number=value, e164_number=digits, digits=digits)
