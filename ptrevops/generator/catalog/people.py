"""Names for synthetic patients, clinicians, physicians and front-desk staff.

A mix of common US names with a few accents, apostrophes and hyphens, because real
exports contain them and an importer that breaks on ``O'Connor`` or ``Zoë`` is broken.
No real person is described: names are drawn independently of every other attribute.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text`` (keeps the long lists readable)."""
    return tuple(text.split())


FEMALE_FIRST_NAMES: tuple[str, ...] = _words(
    """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
    Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah
    Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma
    Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria
    Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina
    Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria
    Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace Amber
    Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris Kayla
    Alexis Lori Marie Zoë Renée Chloé Sofía Lucía Mei Priya Aaliyah Yesenia Thuy"""
)

MALE_FIRST_NAMES: tuple[str, ...] = _words(
    """James Robert John Michael David William Richard Joseph Thomas Christopher Charles
    Daniel Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian Timothy
    Ronald George Jason Edward Jeffrey Ryan Jacob Nicholas Gary Eric Jonathan Stephen Larry
    Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis
    Jerry Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy
    Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence
    Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne
    Randy Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene José André Raúl Minh
    Wei Arjun DeShawn Tomás"""
)

LAST_NAMES: tuple[str, ...] = _words(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
    Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
    White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
    Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
    Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris
    Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly
    Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza
    Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell
    Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
    Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin
    Wallace West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray
    Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells
    O'Connor O'Brien D'Angelo McAllister Smith-Jones García-López Nuñez Peña Müller Ibáñez
    Nakamura Chen Wang Singh Shah Okafor Haddad Kowalski Novak Larsen Schmidt"""
)

PRACTICE_SUFFIXES: tuple[str, ...] = (
    "Orthopedics",
    "Orthopaedic Associates, P.A.",
    "Sports Medicine",
    "Family Medicine",
    "Spine & Pain Center",
    "Internal Medicine Group",
    "Bone & Joint Clinic",
    "Neurology Associates",
    "Primary Care, PLLC",
    "Hand & Upper Extremity Center",
)

PHYSICIAN_SPECIALTY_TITLES: tuple[str, ...] = ("MD", "MD", "MD", "DO", "PA-C", "NP", "DPM")
