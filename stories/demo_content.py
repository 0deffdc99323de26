"""The demo story: the facts of the model explainer, retold in Newsroom's own words.

Plain data, loaded by `stories.services.demo_load`. Keys are natural keys (slugs, positions,
titles) so loading twice finds every row again instead of adding a copy.
"""

import datetime as dt

D = dt.date

CATEGORY = {"slug": "rule-changes", "name": "Rule Changes"}

SOURCES = {
    "reuters-hotline": {
        "title": "Exclusive: U.S., Russia have used their military hotline once so far during Ukraine war",
        "publisher": "Reuters",
        "authors": "Phil Stewart, Idrees Ali",
        "published_on": D(2022, 11, 28),
        "url": "",
        "excerpt": (
            "A U.S. official told the agency that the deconfliction line between U.S. European "
            "Command and Russia's National Defense Command Center had been used once, when the "
            "United States raised concerns about Russian operations near Ukrainian critical "
            "infrastructure; the line is otherwise tested twice a day."
        ),
    },
    "new-start-text": {
        "title": "Treaty on Measures for the Further Reduction and Limitation of Strategic Offensive Arms (New START)",
        "publisher": "U.S. Department of State",
        "authors": "",
        "published_on": D(2010, 4, 8),
        "url": "https://www.state.gov/new-start/",
        "excerpt": "",
    },
    "new-start-extension": {
        "title": "On the Extension of the New START Treaty with the Russian Federation",
        "publisher": "U.S. Department of State",
        "authors": "Antony J. Blinken",
        "published_on": D(2021, 2, 3),
        "url": "",
        "excerpt": "",
    },
    "putin-address-2023": {
        "title": "Presidential Address to the Federal Assembly",
        "publisher": "President of Russia",
        "authors": "",
        "published_on": D(2023, 2, 21),
        "url": "http://en.kremlin.ru/events/president/news/70565",
        "excerpt": "",
    },
    "hotline-mou-1963": {
        "title": (
            "Memorandum of Understanding Regarding the Establishment of a Direct "
            "Communications Link"
        ),
        "publisher": "The Avalon Project, Yale Law School",
        "authors": "",
        "published_on": D(1963, 6, 20),
        "url": "https://avalon.law.yale.edu/20th_century/sov001.asp",
        "excerpt": "",
    },
    "eucom-mq9": {
        "title": "Russian aircraft down U.S. Air Force MQ-9 Reaper over the Black Sea",
        "publisher": "U.S. European Command",
        "authors": "",
        "published_on": D(2023, 3, 14),
        "url": "",
        "excerpt": "",
    },
    "nac-estonia": {
        "title": "Statement by the North Atlantic Council on the violation of Estonia's airspace",
        "publisher": "NATO",
        "authors": "",
        "published_on": None,
        "url": "",
        "excerpt": "",
    },
}

PEOPLE = [
    {
        "slug": "alexus-g-grynkewich",
        "name": "Alexus G. Grynkewich",
        "title": "Commander, U.S. European Command; Supreme Allied Commander Europe",
        "bio": (
            "U.S. Air Force general in command of American forces in Europe and of NATO's "
            "allied operations, and the U.S. officer on the restored line to Moscow."
        ),
        "role": "U.S. end of the restored military channel; joined the Abu Dhabi delegation",
        "status": "Active duty; leading U.S. military diplomacy with Russia",
    },
    {
        "slug": "valery-gerasimov",
        "name": "Valery Gerasimov",
        "title": "Chief of the General Staff, Russian Armed Forces",
        "bio": (
            "Russia's most senior serving officer, who also commands the country's forces "
            "fighting in Ukraine."
        ),
        "role": "Russian end of the restored channel; commander of Russian forces in Ukraine",
        "status": "Active duty; Putin kept him in post beyond the mandatory retirement age",
    },
    {
        "slug": "steve-witkoff",
        "name": "Steve Witkoff",
        "title": "U.S. Special Envoy",
        "bio": "President Trump's special envoy and his chief negotiator on the war in Ukraine.",
        "role": "Lead U.S. negotiator in the Ukraine talks",
        "status": "Brokering peace talks between Russia and Ukraine",
    },
]

ORGANIZATIONS = [
    {
        "slug": "united-states-european-command",
        "name": "United States European Command",
        "kind": "Unified Combatant Command",
        "description": (
            "The U.S. command for 51 countries spanning Europe, the Arctic and parts of Asia; it "
            "works with NATO allies and handles day-to-day military relations with Russia."
        ),
        "status": "The main U.S. command for Europe, with its line to the Russian General Staff open again",
    },
    {
        "slug": "russian-general-staff",
        "name": "Russian General Staff",
        "kind": "Military Command",
        "description": (
            "Plans and directs Russia's armed forces around the world and is their main point of "
            "contact with foreign militaries, the restored U.S. channel included."
        ),
        "status": "Its communication channel with U.S. European Command is working again",
    },
]

STORY = {
    "slug": "us-russia-restore-military-communication-channel",
    "headline": "U.S. and Russia Restore Military Communication Channel",
    "byline": "Newsroom Staff",
    "dek": "Top-level military talks restart after a four-year freeze, on the day the last nuclear arms treaty lapses",
    "published_at": dt.datetime(2026, 2, 5, 21, 0, tzinfo=dt.UTC),
    "overview": (
        "On **5 February 2026** Washington and Moscow agreed to reopen high-level military "
        "communication, frozen since the autumn of 2021. General Alexus Grynkewich, head of "
        "U.S. European Command, can once more call General Valery Gerasimov, who runs Russia's "
        "General Staff: a safeguard against miscalculation between two nuclear-armed "
        "militaries that operate close to each other in Europe, the Arctic and the Black Sea.\n\n"
        "The same day, the New START treaty ran out. For the first time in more than fifty years "
        "nothing binding limits the strategic nuclear forces of the two countries. Both results "
        "came out of three-way talks in Abu Dhabi meant to end the war in Ukraine, now almost "
        "four years old, where U.S., Ukrainian and Russian negotiators also settled an exchange "
        "of 314 prisoners of war, the first in five months."
    ),
    "why_it_matters": (
        "Most dangerous moments between nuclear powers start as accidents: a jet that flies too "
        "close, a drone that goes down, a radar return read the wrong way. A working line between "
        "the two militaries' top commanders gives each side a way to explain itself before an "
        "incident becomes a crisis.\n\n"
        "The line comes back just as the treaty limits go away. Readers following arms control, "
        "NATO's eastern flank or the Ukraine talks will see whether the two trends, more talk and "
        "fewer rules, can coexist."
    ),
}

INDICATORS = [
    {
        "value": "4+",
        "label": "Years communication suspended",
        "explanation": "Top-level military talks stopped in autumn 2021, months before the full-scale invasion of Ukraine.",
        "sources": [],
    },
    {
        "value": "1,550",
        "label": "Warheads per side under New START",
        "explanation": "The deployed-warhead cap lapsed on 5 February 2026; both governments say they will keep to it for now.",
        "sources": ["new-start-text"],
    },
    {
        "value": "314",
        "label": "Prisoners exchanged",
        "explanation": "Agreed at the Abu Dhabi talks: the first swap between Ukraine and Russia in five months.",
        "sources": [],
    },
    {
        "value": "300+",
        "label": "NATO intercepts in 2023",
        "explanation": "Times allied jets scrambled to meet Russian military aircraft nearing Alliance airspace.",
        "sources": [],
    },
]

EVENTS = [
    {
        "date": D(2026, 2, 5),
        "sequence": 1,
        "kind": "diplomatic",
        "title": "Military Communication Restored; New START Expires",
        "description": (
            "Washington and Moscow agree to restart high-level military dialogue. On the same "
            "day New START lapses, leaving no binding limits on either arsenal for the first "
            "time in over half a century."
        ),
        "sources": ["new-start-text"],
    },
    {
        "date": D(2026, 2, 5),
        "sequence": 0,
        "kind": "diplomatic",
        "title": "314-Prisoner Exchange Announced",
        "description": (
            "As the Abu Dhabi round closes, Ukraine and Russia agree to trade 314 prisoners of "
            "war, their first exchange in five months."
        ),
        "sources": [],
    },
    {
        "date": D(2026, 2, 4),
        "kind": "diplomatic",
        "title": "Second Round of Trilateral Talks Opens",
        "description": (
            "Talks restart in Abu Dhabi; General Grynkewich joins the U.S. team for the "
            "military discussions."
        ),
        "sources": [],
    },
    {
        "date": D(2026, 1, 23),
        "kind": "diplomatic",
        "title": "First Trilateral Ukraine Talks Begin",
        "description": (
            "American, Russian and Ukrainian delegations sit down together in Abu Dhabi, the "
            "first such meeting since the 2022 invasion."
        ),
        "sources": [],
    },
    {
        "date": D(2026, 1, 22),
        "kind": "diplomatic",
        "title": "Trump Launches 'Board of Peace' at Davos",
        "description": (
            "President Trump unveils a new body to settle international conflicts and says a "
            "Ukraine deal is close."
        ),
        "sources": [],
    },
    {
        "date": D(2025, 9, 19),
        "kind": "incident",
        "title": "Russian Jets Violate Estonian Airspace",
        "description": (
            "Three armed Russian MiG-31s stay in Estonian airspace for more than ten minutes; "
            "the North Atlantic Council meets and condemns the incursion."
        ),
        "sources": ["nac-estonia"],
    },
    {
        "date": D(2023, 3, 14),
        "kind": "incident",
        "title": "Russian Jet Downs U.S. Drone Over Black Sea",
        "description": (
            "A Russian Su-27 intercepts a U.S. MQ-9 Reaper and damages it so badly that it "
            "crashes: the first U.S. aircraft Russia has brought down since the Cold War."
        ),
        "sources": ["eucom-mq9"],
    },
    {
        "date": D(2023, 2, 21),
        "kind": "treaty",
        "title": "Russia Suspends New START Participation",
        "description": (
            "Putin suspends Russia's part in New START, halting inspections, while saying "
            "Russia will still respect the warhead limits."
        ),
        "sources": ["putin-address-2023"],
    },
    {
        "date": D(2022, 2, 24),
        "kind": "military",
        "title": "Russia Invades Ukraine",
        "description": (
            "Russia begins a full-scale invasion of Ukraine, the largest war in Europe since "
            "1945, and relations with Washington sink further."
        ),
        "sources": ["reuters-hotline"],
    },
    {
        "date": D(2021, 10, 1),
        "precision": "month",
        "date_label": "Autumn 2021",
        "kind": "diplomatic",
        "title": "U.S.-Russia Military Communication Suspended",
        "description": (
            "With tensions rising, top-level military contact between the two countries "
            "stops, months before the full-scale invasion."
        ),
        "sources": [],
    },
    {
        "date": D(2021, 2, 3),
        "kind": "treaty",
        "title": "New START Extended Five Years",
        "description": (
            "The two governments extend New START to 5 February 2026, keeping the last "
            "remaining nuclear arms control treaty alive."
        ),
        "sources": ["new-start-extension"],
    },
    {
        "date": D(2010, 4, 8),
        "kind": "treaty",
        "title": "New START Treaty Signed",
        "description": (
            "Presidents Obama and Medvedev sign New START in Prague, capping each side at "
            "1,550 deployed strategic warheads."
        ),
        "sources": ["new-start-text"],
    },
    {
        "date": D(1963, 6, 20),
        "kind": "diplomatic",
        "title": "Moscow-Washington Hotline Established",
        "description": (
            "After the Cuban Missile Crisis, Washington and Moscow agree on a direct link "
            "between the Pentagon and the Kremlin to avoid a nuclear misunderstanding."
        ),
        "sources": ["hotline-mou-1963"],
    },
]

SCENARIOS = [
    {
        "title": "Communication Channel Holds, Incidents Decrease",
        "discussed_by": (
            "Arms Control Association experts; Carnegie Endowment for International Peace analysts"
        ),
        "description": (
            "The line survives and both militaries use it to deconflict in the Black Sea, the "
            "Arctic and European skies. With commanders able to call each other, near-misses "
            "and airspace violations fall. It only lasts if both capitals keep the line open "
            "through diplomatic setbacks."
        ),
    },
    {
        "title": "New Nuclear Arms Agreement Reached",
        "discussed_by": (
            "António Guterres, the UN Secretary-General; U.S. State Department officials; "
            "statements from Russia's Foreign Ministry"
        ),
        "description": (
            "Building on the military dialogue and the peace talks, the two sides negotiate a "
            "successor to New START with inspections and written warhead limits. That probably "
            "needs the Ukraine war settled first, since Moscow ties arms control to wider "
            "security demands. Trump and Putin both say they are open to talks; none have started."
        ),
    },
    {
        "title": "Communication Channel Collapses After Incident",
        "discussed_by": "ECFR and RUSI security analysts in Europe, pointing to the 2023 drone loss",
        "description": (
            "A serious clash (another drone shot down, a mid-air collision, or a strike that "
            "kills American or Russian personnel) overwhelms the new line. Pressure at home "
            "pushes one side to cut contact, and the 2021–2026 silence returns. The 2023 Black "
            "Sea drone incident showed how fast tension climbs without a line."
        ),
    },
    {
        "title": "Nuclear Arms Race Accelerates Despite Dialogue",
        "discussed_by": (
            "Congressional Research Service; Bulletin of the Atomic Scientists; Federation of "
            "American Scientists"
        ),
        "description": (
            "Military contact continues but, with New START gone, nothing restrains new "
            "weapons. Russia fields hypersonic delivery systems and tests new ICBMs; the U.S. "
            "speeds up its own modernisation. Day-to-day crisis risk falls while the long-term "
            "picture grows more dangerous."
        ),
    },
]

CONTEXTS = [
    {
        "title": "Cuban Missile Crisis and the Moscow-Washington Hotline (1962-1963)",
        "period_start": D(1962, 10, 1),
        "period_start_precision": "month",
        "period_end": D(1963, 6, 1),
        "period_end_precision": "month",
        "what_happened": (
            "In October 1962 a 13-day standoff over Soviet missiles in Cuba took the two "
            "superpowers to the edge of nuclear war. Messages between Kennedy and Khrushchev "
            "went by diplomatic cable and could take as long as 12 hours to arrive."
        ),
        "short_term_outcome": (
            "Diplomacy ended the crisis: the Soviets withdrew their missiles in return for a "
            "U.S. promise not to invade Cuba and to take its own missiles out of Turkey."
        ),
        "long_term_outcome": (
            "Eight months on, the two governments set up the hotline, a direct teletype link "
            "between the Pentagon and the Kremlin, used in every major crisis since, among them "
            "the wars of 1967 and 1973 in the Middle East."
        ),
        "relevance_today": (
            "The 2026 channel rests on the same idea: nuclear powers whose forces operate close "
            "together are safer when they can talk directly."
        ),
    },
    {
        "title": "Syria Deconfliction Line (2015-2019)",
        "period_start": D(2015, 10, 1),
        "period_start_precision": "month",
        "period_end": D(2019, 1, 1),
        "period_end_precision": "year",
        "what_happened": (
            "From September 2015, when Russia joined the Syrian civil war, American and Russian "
            "warplanes shared the same skies, a first since the Cold War. The Pentagon and "
            "Russia's defence ministry opened a line to keep coalition and Russian forces from "
            "hitting each other."
        ),
        "short_term_outcome": (
            "No mid-air collisions or friendly-fire incidents, despite hundreds of sorties a "
            "day in crowded airspace."
        ),
        "long_term_outcome": (
            "It became the example of how adversaries can coordinate tactically while remaining "
            "strategic rivals."
        ),
        "relevance_today": (
            "Syria showed the two militaries can keep a line working during active conflict; the "
            "new channel will be tested the same way in the Black Sea, the Baltic and the Arctic."
        ),
    },
    {
        "title": "Strategic Arms Limitation Talks and the End of Arms Control (1969-2023)",
        "period_start": D(1969, 11, 1),
        "period_start_precision": "month",
        "period_end": D(2023, 2, 1),
        "period_end_precision": "month",
        "what_happened": (
            "From SALT I in 1969, Washington and Moscow kept an unbroken run of nuclear arms "
            "agreements for more than fifty years. The INF Treaty (1987), START I (1991) and New "
            "START (2010) cut deployed warheads from over 10,000 to 1,550 a side."
        ),
        "short_term_outcome": (
            "Each treaty brought inspections on the ground, so each side could check the other "
            "and see changes coming."
        ),
        "long_term_outcome": (
            "The system came apart step by step: the U.S. left the ABM Treaty in 2002 and the "
            "INF Treaty in 2019, and Russia suspended New START in 2023. By February 2026 no "
            "binding limit was left."
        ),
        "relevance_today": (
            "Tactical talk is improving just as strategic limits vanish, which leaves the nuclear "
            "relationship less predictable than at any time since the early Cold War."
        ),
    },
]

# Imagined perspectives, shown to signed-in readers under a fiction label.
VOICES = [
    {
        "figure": "John F. Kennedy",
        "figure_context": "U.S. President during the Cuban Missile Crisis",
        "text": (
            "In 1962 our messages crossed an ocean by cable while the clock ran. A line that "
            "rings at once is not a concession to an adversary; it is insurance against our "
            "own mistakes."
        ),
    },
    {
        "figure": "Nikita Khrushchev",
        "figure_context": "Soviet leader, 1953–1964",
        "text": (
            "We tied a knot in the rope of war and both pulled. Generals who can call each other "
            "can loosen it before anyone has to cut it."
        ),
    },
]

SOURCE_ORDER = [
    "reuters-hotline",
    "new-start-text",
    "new-start-extension",
    "putin-address-2023",
    "eucom-mq9",
    "nac-estonia",
    "hotline-mou-1963",
]
