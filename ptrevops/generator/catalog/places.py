"""US states the clinic groups operate in: time zone, cities, ZIP prefixes, local payers.

A group is regional, but the product must handle clinics in several time zones (and
Arizona, which ignores daylight saving time), so the state list spans all four
contiguous-US zones. Payer names and identifiers are modelled on the real local carriers
(the Medicare contractor, the Medicaid program, the Blue plan) but are illustrative:
nothing here is used to submit real claims.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    code: str
    timezone: str
    cities: tuple[tuple[str, str], ...]  # (city, 3-digit ZIP prefix)
    medicare_contractor: str  # the Medicare Administrative Contractor for Part B
    medicare_payer_code: str
    medicare_locality_permille: int  # geographic adjustment applied to national amounts
    medicaid_name: str
    blue_plan_name: str
    workers_comp_name: str
    street_names: tuple[str, ...] = ("Main St", "Oak Ave", "Commerce Dr", "Park Blvd")


STATES: dict[str, State] = {
    state.code: state
    for state in (
        State(
            "TX",
            "America/Chicago",
            (
                ("Austin", "787"),
                ("Dallas", "752"),
                ("Houston", "770"),
                ("San Antonio", "782"),
                ("Plano", "750"),
                ("Round Rock", "786"),
            ),
            "Novitas Solutions JH",
            "04412",
            985,
            "Texas Medicaid & Healthcare Partnership",
            "Blue Cross and Blue Shield of Texas",
            "Texas Mutual Insurance Company",
        ),
        State(
            "FL",
            "America/New_York",
            (
                ("Tampa", "336"),
                ("Orlando", "328"),
                ("Jacksonville", "322"),
                ("Sarasota", "342"),
                ("St. Petersburg", "337"),
            ),
            "First Coast Service Options JN",
            "09102",
            1010,
            "Florida Medicaid",
            "Florida Blue",
            "Florida Workers' Compensation Joint Underwriting Association",
        ),
        State(
            "CA",
            "America/Los_Angeles",
            (
                ("San Diego", "921"),
                ("Sacramento", "958"),
                ("Irvine", "926"),
                ("San Jose", "951"),
                ("Pasadena", "911"),
            ),
            "Noridian Healthcare Solutions JE",
            "01182",
            1085,
            "Medi-Cal",
            "Anthem Blue Cross of California",
            "State Compensation Insurance Fund",
        ),
        State(
            "AZ",
            "America/Phoenix",
            (
                ("Phoenix", "850"),
                ("Scottsdale", "852"),
                ("Tucson", "857"),
                ("Mesa", "852"),
                ("Chandler", "852"),
            ),
            "Noridian Healthcare Solutions JF",
            "03102",
            990,
            "AHCCCS (Arizona Medicaid)",
            "Blue Cross Blue Shield of Arizona",
            "CopperPoint Insurance",
        ),
        State(
            "CO",
            "America/Denver",
            (
                ("Denver", "802"),
                ("Boulder", "803"),
                ("Colorado Springs", "809"),
                ("Fort Collins", "805"),
                ("Littleton", "801"),
            ),
            "Novitas Solutions JH",
            "04112",
            1020,
            "Health First Colorado",
            "Anthem Blue Cross and Blue Shield Colorado",
            "Pinnacol Assurance",
        ),
        State(
            "NY",
            "America/New_York",
            (
                ("Albany", "122"),
                ("Buffalo", "142"),
                ("Rochester", "146"),
                ("Brooklyn", "112"),
                ("White Plains", "106"),
            ),
            "National Government Services JK",
            "13202",
            1070,
            "New York State Medicaid",
            "Excellus BlueCross BlueShield",
            "New York State Insurance Fund",
        ),
        State(
            "IL",
            "America/Chicago",
            (
                ("Chicago", "606"),
                ("Naperville", "605"),
                ("Evanston", "602"),
                ("Schaumburg", "601"),
                ("Joliet", "604"),
            ),
            "National Government Services J6",
            "06102",
            1030,
            "Illinois Medicaid",
            "Blue Cross and Blue Shield of Illinois",
            "Illinois Workers' Compensation Insurance",
        ),
        State(
            "WA",
            "America/Los_Angeles",
            (
                ("Seattle", "981"),
                ("Tacoma", "984"),
                ("Bellevue", "980"),
                ("Spokane", "992"),
                ("Everett", "982"),
            ),
            "Noridian Healthcare Solutions JF",
            "02202",
            1045,
            "Washington Apple Health",
            "Premera Blue Cross",
            "Washington Department of Labor & Industries",
        ),
        State(
            "NC",
            "America/New_York",
            (
                ("Charlotte", "282"),
                ("Raleigh", "276"),
                ("Durham", "277"),
                ("Cary", "275"),
                ("Wilmington", "284"),
            ),
            "Palmetto GBA JM",
            "11502",
            975,
            "NC Medicaid",
            "Blue Cross and Blue Shield of North Carolina",
            "North Carolina Industrial Commission Workers' Comp",
        ),
        State(
            "OH",
            "America/New_York",
            (
                ("Columbus", "432"),
                ("Cleveland", "441"),
                ("Cincinnati", "452"),
                ("Dayton", "454"),
                ("Dublin", "430"),
            ),
            "CGS Administrators J15",
            "15202",
            970,
            "Ohio Medicaid",
            "Anthem Blue Cross and Blue Shield Ohio",
            "Ohio Bureau of Workers' Compensation",
        ),
        State(
            "UT",
            "America/Denver",
            (("Salt Lake City", "841"), ("Provo", "846"), ("Ogden", "844"), ("Sandy", "840")),
            "Noridian Healthcare Solutions JF",
            "03402",
            985,
            "Utah Medicaid",
            "Regence BlueCross BlueShield of Utah",
            "Workers Compensation Fund of Utah",
        ),
        State(
            "TN",
            "America/Chicago",
            (
                ("Nashville", "372"),
                ("Memphis", "381"),
                ("Franklin", "370"),
                ("Murfreesboro", "371"),
            ),
            "Palmetto GBA JJ",
            "10312",
            960,
            "TennCare",
            "BlueCross BlueShield of Tennessee",
            "Tennessee Workers' Compensation",
        ),
        State(
            "GA",
            "America/New_York",
            (("Atlanta", "303"), ("Marietta", "300"), ("Savannah", "314"), ("Alpharetta", "300")),
            "Palmetto GBA JJ",
            "10212",
            995,
            "Georgia Medicaid",
            "Anthem Blue Cross and Blue Shield Georgia",
            "Georgia Workers' Compensation Fund",
        ),
        State(
            "OR",
            "America/Los_Angeles",
            (("Portland", "972"), ("Eugene", "974"), ("Salem", "973"), ("Bend", "977")),
            "Noridian Healthcare Solutions JF",
            "02402",
            1015,
            "Oregon Health Plan",
            "Regence BlueCross BlueShield of Oregon",
            "SAIF Corporation",
        ),
    )
}

# The first four cover Eastern, Central, Mountain (no DST) and Pacific time, so any group
# of four or more clinics spans four offsets; the rest fill in by how common PT chains are.
STATE_ORDER: tuple[str, ...] = (
    "FL",
    "TX",
    "AZ",
    "CA",
    "NY",
    "IL",
    "CO",
    "WA",
    "NC",
    "OH",
    "GA",
    "TN",
    "UT",
    "OR",
)

NEIGHBORHOODS: tuple[str, ...] = (
    "Downtown",
    "North",
    "South",
    "East",
    "West",
    "Midtown",
    "Uptown",
    "Lakeside",
    "Riverside",
    "Medical Center",
    "Westgate",
    "Northpark",
    "Hillcrest",
    "Old Town",
)
