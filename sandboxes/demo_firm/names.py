"""Word lists the demo firm draws its names from (a seeded generator picks among them)."""

from __future__ import annotations


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST_NAMES = {
    "US": _words(
        "James Mary Robert Patricia Michael Jennifer David Linda William Elizabeth Joseph "
        "Susan Daniel Jessica Matthew Sarah Anthony Karen Mark Nancy Steven Lisa Andrew "
        "Betty Joshua Sandra Kevin Ashley Brian Kimberly Carlos Maria Jose Sofia Wei Priya "
        "Aisha Malik Hannah Ethan Olivia Noah Grace Tyler Chloe Marcus Naomi Diego Lucia"
    ),
    "GB": _words(
        "Oliver Amelia George Isla Harry Ava Jack Emily Charlie Sophie Thomas Poppy Oscar "
        "Isabella William Jessica Henry Lily Alfie Evie Arjun Freya Mohammed Zara Rhys Niamh "
        "Callum Eilidh Fraser Imogen Rory Harriet Ewan Sian Kieran Bethan Yusuf Anika"
    ),
    "NL": _words(
        "Daan Emma Sem Julia Lucas Tess Levi Sophie Finn Anna Milan Sara Bram Eva Thijs "
        "Lotte Ruben Fleur Jesse Lisa Lars Sanne Niels Femke Jan Ilse Max Lena Felix Marie "
        "Jonas Hannah Pieter Anouk Youssef Noor Stijn Mila"
    ),
}

LAST_NAMES = {
    "US": _words(
        "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
        "Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee "
        "Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young "
        "Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
        "Rivera Campbell Mitchell Carter Roberts Chen Patel Kim Okafor Shapiro"
    ),
    "GB": _words(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
        "Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner "
        "Hill Cooper Ward Morris Harrison Patel Khan Begum MacDonald Campbell Stewart "
        "Murray Reid Doherty Byrne Pritchard Llewellyn Ahmed Singh Okonkwo"
    ),
    "NL": _words(
        "de Jong,Jansen,de Vries,van den Berg,van Dijk,Bakker,Janssen,Visser,Smit,Meijer,"
        "de Boer,Mulder,de Groot,Bos,Vos,Peters,Hendriks,van Leeuwen,Dekker,Brouwer,de Wit,"
        "Dijkstra,Smits,de Graaf,van der Meer,Kok,Jacobs,Vermeulen,van den Broek,Schouten,"
        "Willems,Hoekstra,Maas,Verhoeven,Koster,Prins,Yilmaz,El Amrani,Schmidt,Weber"
        ",",
    ),
}

CUSTOMER_STEMS = _words(
    "Northwind Bluepeak Harborview Ironbridge Silverline Crestmoor Redfern Oakhurst "
    "Brightwater Stonegate Westbrook Kingsford Lumen Meridian Pinecrest Summit Vantage "
    "Larkspur Copperfield Evergreen Foxglove Highmark Juniper Keystone Lighthouse "
    "Marlow Norland Orchard Pemberton Quayside Riverton Saltmarsh Thornbury Uplands "
    "Valemont Whitcombe Yarrow Zephyr Ashdown Beacon Cobalt Driftwood Elmstead Fairhaven"
)

CUSTOMER_TRADES = (
    "Logistics",
    "Health",
    "Capital",
    "Retail",
    "Energy",
    "Insurance",
    "Foods",
    "Pharma",
    "Media",
    "Telecom",
    "Manufacturing",
    "Housing",
    "Mobility",
    "Analytics",
    "Foundation",
)

LEGAL_SUFFIXES = {"US": ("Inc.", "LLC", "Corp."), "GB": ("Ltd", "plc"), "NL": ("B.V.", "N.V.")}

# A deliberately different spelling of each suffix, as a second system might hold it.
SUFFIX_VARIANTS = {
    "Inc.": "Incorporated",
    "LLC": "L.L.C.",
    "Corp.": "Corporation",
    "Ltd": "Limited",
    "plc": "PLC",
    "B.V.": "BV",
    "N.V.": "NV",
}

CITIES = {
    "US": ("New York", "Boston", "Chicago", "Austin", "Denver", "Seattle"),
    "GB": ("London", "Manchester", "Leeds", "Bristol", "Edinburgh"),
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "The Hague"),
}

ENGAGEMENTS = (
    "Data Platform Migration",
    "ERP Rollout",
    "Cloud Cost Review",
    "Customer Portal Redesign",
    "Finance Transformation",
    "Supply Chain Analytics",
    "Mobile App Build",
    "Cyber Security Assessment",
    "CRM Implementation",
    "Pricing Strategy",
    "Operating Model Review",
    "Integration Modernisation",
    "Machine Learning Pilot",
    "Service Design Sprint",
    "Regulatory Reporting",
    "Warehouse Automation",
    "Digital Marketing Platform",
    "Workforce Planning",
)

NOTES = (
    "Workshop with client stakeholders",
    "Requirements and backlog refinement",
    "Implementation",
    "Code review and fixes",
    "Testing and defect triage",
    "Status report and planning",
    "Data analysis",
    "Design iteration",
    "Documentation",
    "Deployment support",
)
