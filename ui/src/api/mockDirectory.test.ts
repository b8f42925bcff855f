// The directory half of the mock: the same rules as crates/domain/src/{directory,hsds}.rs
// and crates/store/src/directory.rs, so UI tests exercise what the app will do.
import { describe, expect, it } from "vitest";
import type { ApiError } from "./bindings/ApiError";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { ServiceQuery } from "./bindings/ServiceQuery";
import { emptyServiceInput, emptyServiceQuery } from "../lib/directoryLabels";
import { costBandFromAmounts, isStale, MockDirectory, parseByday, parsePage } from "./mockDirectory";

const TODAY = "2026-11-24";

function query(q: Partial<ServiceQuery> = {}): ServiceQuery {
  return { ...emptyServiceQuery(100), ...q };
}

function input(i: Partial<ServiceInput> = {}): ServiceInput {
  return { ...emptyServiceInput(), name: "Gentle Yoga", ...i };
}

function failure(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error("expected the call to fail");
}

function loaded(): MockDirectory {
  const d = new MockDirectory(TODAY);
  d.loadExample();
  return d;
}

const names = (d: MockDirectory, q: Partial<ServiceQuery>) => d.list(query(q)).items.map((s) => s.name);

describe("the example directory", () => {
  it("reads whole, as the backend's test does", () => {
    const d = new MockDirectory(TODAY);
    expect(d.loadExample()).toMatchObject({ new: 29, changed: 0, unchanged: 0 });
    expect(d.list(query()).total).toBe(29);
    const yoga = d.list(query({ text: "gentle yoga" })).items[0];
    expect(yoga.name).toBe("Gentle Yoga for Strength and Balance");
    expect(yoga.organization).toBe("Lotus Tree Yoga Studio");
    expect(yoga.costBand).toBe("low");
    expect(yoga.feesDescription).toContain("50% off");
    expect(yoga.days).toEqual(["TU", "TH"]);
    expect(yoga.address).toBe("Unit 3, Canal Wharf, Hollinsford, HF1 2QT");
    expect(yoga.accessibility).toContain("step-free access");
    expect(yoga.category).toBe("Physical activity");
    expect(yoga.hsdsId).not.toBeNull();
    const coop = d.list(query({ text: "childcare co-op" })).items[0];
    expect(coop.languages).toEqual(["en", "pl"]);
    expect(coop.costBand).toBe("free");
  });

  it("imports again without creating anything", () => {
    const d = loaded();
    expect(d.loadExample()).toMatchObject({ new: 0, changed: 0, unchanged: 29 });
    expect(d.services).toHaveLength(29);
  });

  it("updates a service whose details were edited since", () => {
    const d = loaded();
    const hike = d.list(query({ text: "hike" })).items[0];
    d.update(hike.id, input({ name: "Renamed hike" }));
    expect(d.loadExample()).toMatchObject({ new: 0, changed: 1, unchanged: 28 });
    expect(d.get(hike.id).name).toBe("Saturday Group Hike");
  });
});

describe("listing services", () => {
  it("matches every term at the start of a word, accents folded", () => {
    const d = loaded();
    expect(names(d, { text: "yoga" })).toEqual(["Gentle Yoga for Strength and Balance"]);
    expect(names(d, { text: "resume" })).toEqual(["CV and Résumé Writing Class"]);
    expect(names(d, { text: "oga" })).toEqual([]);
    expect(names(d, { text: "YOGA lotus" })).toEqual(["Gentle Yoga for Strength and Balance"]);
  });

  it("narrows by each filter", () => {
    const d = loaded();
    expect(names(d, { day: "SA" })).toEqual(["Allotment Gardening Class", "Parkrun", "Saturday Group Hike"]);
    expect(names(d, { staleOnly: true })).toEqual(["Knit and Natter"]);
    expect(names(d, { accessibility: "hoist" })).toEqual(["Swim for Health"]);
    expect(names(d, { language: "PL" })).toContain("Community Childcare Co-op");
    const free = d.list(query({ cost: "free" })).items;
    expect(free.length).toBeGreaterThan(0);
    expect(free.every((s) => s.costBand === "free")).toBe(true);
    const cheap = d.list(query({ cost: "free_or_low" })).items;
    expect(cheap.length).toBeGreaterThan(free.length);
    const cat = d.facets().categories[0];
    expect(d.list(query({ category: cat })).items.every((s) => s.category === cat)).toBe(true);
  });

  it("sorts by name, pages, and counts every match", () => {
    const d = loaded();
    const first = d.list(query({ limit: 25 }));
    const rest = d.list(query({ limit: 25, offset: 25 }));
    expect(first.total).toBe(29);
    expect(first.items).toHaveLength(25);
    expect(rest.items).toHaveLength(4);
    const all = [...first.items, ...rest.items].map((s) => s.name.toLowerCase());
    expect(all).toEqual([...all].sort());
    expect(d.list(query({ limit: 0 })).items).toHaveLength(1);
  });

  it("hides retired services unless asked", () => {
    const d = loaded();
    const knit = d.list(query({ text: "knit" })).items[0];
    expect(knit.stale).toBe(true);
    d.setStatus(knit.id, "inactive");
    expect(names(d, { text: "knit" })).toEqual([]);
    expect(names(d, { text: "knit", includeInactive: true })).toEqual(["Knit and Natter"]);
  });

  it("gives facets sorted and distinct", () => {
    const f = loaded().facets();
    expect(f.categories).toEqual([...new Set(f.categories)].sort());
    expect(f.languages).toContain("pl");
    expect(f.languages).toEqual([...new Set(f.languages)].sort());
  });
});

describe("service rules", () => {
  it("names each bad field as the backend does, and stores nothing", () => {
    const d = new MockDirectory(TODAY);
    const e = failure(() =>
      d.create(
        input({
          name: " ",
          url: "javascript:alert(1)",
          email: "not an email",
          phone: "call us",
          languages: "en, <b>",
          lastVerified: "2027-01-01",
        }),
      ),
    );
    expect(e.code).toBe("validation");
    const byField = Object.fromEntries(e.fields.map((f) => [f.field, f.message]));
    expect(byField).toEqual({
      name: "Enter the name.",
      url: "Enter a web address starting https://, e.g. https://example.org.",
      email: "Enter an email address like name@example.org.",
      phone: "A phone number has digits, spaces and + ( ) - only.",
      languages: 'Languages: "<b>" is not a language name or code. Separate them with commas.',
      lastVerified: "Date last verified cannot be in the future.",
    });
    expect(d.services).toHaveLength(0);
  });

  it("normalises a service", () => {
    const d = new MockDirectory(TODAY);
    const s = d.create(input({ languages: "en, PL, en", days: ["TH", "TU", "TU"], organization: "Lotus" }));
    expect(s.languages).toEqual(["en", "pl"]);
    expect(s.days).toEqual(["TU", "TH"]);
    expect(s.stale).toBe(true);
    expect(d.get(s.id)).toEqual(s);
    // The organisation is matched by name, ignoring case, and keeps its first spelling.
    expect(d.create(input({ name: "Other", organization: "LOTUS" })).organization).toBe("Lotus");
    expect(failure(() => d.get(99)).code).toBe("not_found");
    expect(failure(() => d.update(99, input())).code).toBe("not_found");
  });

  it("counts twelve months to the day as stale", () => {
    expect(isStale("2025-11-25", TODAY)).toBe(false);
    expect(isStale("2025-11-24", TODAY)).toBe(true);
    expect(isStale(null, TODAY)).toBe(true);
    expect(isStale("2023-02-28", "2024-02-29")).toBe(true);
  });

  it("bands costs by the cheapest option", () => {
    expect(costBandFromAmounts([8, 4], null)).toBe("low");
    expect(costBandFromAmounts([30], null)).toBe("paid");
    expect(costBandFromAmounts([0, 5], null)).toBe("free");
    expect(costBandFromAmounts([], "Free to members")).toBe("free");
    expect(costBandFromAmounts([], "Ask")).toBe("unknown");
  });

  it("reads BYDAY lists with and without ordinals", () => {
    expect(parseByday("1SA,3SA")).toEqual(["SA"]);
    expect(parseByday("MO,we,FR")).toEqual(["MO", "WE", "FR"]);
    expect(() => parseByday("MO,XX")).toThrow();
  });
});

describe("reading an HSDS page", () => {
  it.each([
    ["not json", "not valid JSON"],
    ["[]", 'no "contents" list'],
    ['{"contents": [{"name": "Yoga"}]}', 'Service 1 (\u201cYoga\u201d): "id" is missing'],
    ['{"contents": [{"id": "a"}]}', 'Service 1: "name" is missing'],
    ['{"contents": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}', "appears twice"],
    [
      '{"contents": [{"id": "a", "name": "A", "assured_date": "last week"}]}',
      '"assured_date" "last week" is not a date',
    ],
    ['{"contents": [{"id": "a", "name": "A", "url": "javascript:alert(1)"}]}', "web address"],
    ['{"contents": [{"id": "a", "name": "A", "phones": {"number": "1"}}]}', '"phones" is not a list'],
    ['{"contents": [{"id": "a", "name": "A", "schedules": [{"byday": "XX"}]}]}', "not a day of the week"],
    ['{"contents": [{"id": "a", "name": "A", "status": "gone"}]}', '"status" "gone" is not an HSDS status'],
    ['{"contents": [{"id": "a", "name": "A", "cost_options": [{"amount": "£3"}]}]}', '"amount" is not a number'],
    ['{"contents": [{"id": "a", "name": "A", "service_at_locations": [{}]}]}', 'has no "location"'],
    ['{"contents": [7]}', "Service 1: is not an object"],
  ])("explains %s", (text, expected) => {
    expect(() => parsePage(text, TODAY)).toThrow(expected);
  });

  it("reports an import error as the backend does, and changes nothing", () => {
    const d = loaded();
    const e = failure(() => d.importText('{"contents": [{"id": "new", "name": "New"}, {"id": "x"}]}'));
    expect(e.code).toBe("import_invalid");
    expect(e.message).toBe('This file cannot be imported: Service 2: "name" is missing Nothing has been changed.');
    expect(d.services).toHaveLength(29);
  });

  it("reads schedules' times when they have no description, and retired statuses", () => {
    const [s] = parsePage(
      JSON.stringify({
        contents: [
          {
            id: "a",
            name: "A",
            status: "defunct",
            schedules: [{ byday: "MO", opens_at: "10:00", closes_at: "12:00" }],
            cost_options: [{ amount: 12 }],
          },
        ],
      }),
      TODAY,
    );
    expect(s.status).toBe("inactive");
    expect(s.input.whenText).toBe("10:00 to 12:00");
    expect(s.input.costBand).toBe("paid");
  });
});
