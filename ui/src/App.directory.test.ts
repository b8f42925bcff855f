/// <reference types="node" />
// The community directory screen, on the real backend: importing (the example directory,
// Open Referral files the person picks, and a feed served over http from the test), search
// as you type, every filter, paging, and adding, editing and retiring services.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { ServiceInput } from "./api/bindings/ServiceInput";
import { emptyServiceInput } from "./lib/directoryLabels";
import { addDays, todayIso } from "./lib/format";
import { byId } from "./test/dom";
import { signedIn, TEST_LINK_WORKER, tempFolder, type TestApi } from "./test/host";

const TODAY = "2026-11-24";

type User = ReturnType<typeof userEvent.setup>;

/** A link worker (not an admin) signed in, on the directory screen. */
async function openDirectory(api?: TestApi) {
  api ??= await signedIn({ today: TODAY, as: TEST_LINK_WORKER });
  const user = userEvent.setup();
  render(App, { props: { api } });
  await screen.findByRole("heading", { level: 1, name: "Caseload" });
  await user.click(byId("nav-directory"));
  await screen.findByRole("heading", { level: 1, name: "Community directory" });
  return { api, user };
}

/** The directory's "Import and feeds" part, with the example directory loaded through
 * its button. */
async function exampleLoaded(opened: Awaited<ReturnType<typeof openDirectory>>) {
  await opened.user.click(byId("directory-view-import"));
  await opened.user.click(byId("load-example-directory"));
  await waitFor(() => expect(screen.getByTestId("import-result").textContent).toContain("Imported 29 services"));
  return opened;
}

/** The directory screen's service list with the example directory loaded. */
async function withExample() {
  const opened = await exampleLoaded(await openDirectory());
  await opened.user.click(byId("directory-view-services"));
  await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toBe("Showing 1–25 of 29"));
  return opened;
}

function names(): string[] {
  return screen.queryAllByTestId("service-name").map((n) => n.textContent ?? "");
}

/** Waits until the list shows exactly `expected`, in order. */
async function shows(expected: string[]) {
  await waitFor(() => expect(names()).toEqual(expected));
}

function row(name: string): HTMLElement {
  const r = screen
    .getAllByTestId("service-row")
    .find((x) => within(x).getByTestId("service-name").textContent === name);
  if (!r) throw new Error(`no row for ${name}`);
  return r;
}

async function expand(user: User, name: string): Promise<HTMLElement> {
  const r = row(name);
  const toggle = within(r).getByRole("button", { expanded: false });
  await user.click(toggle);
  expect(toggle.getAttribute("aria-expanded")).toBe("true");
  return r;
}

async function select(user: User, id: string, value: string) {
  await user.selectOptions(byId<HTMLSelectElement>(id), value);
}

/** Writes `text` as `name` in a new temporary folder; its path. */
function fileWith(name: string, text: string): string {
  const path = join(tempFolder(), name);
  writeFileSync(path, text);
  return path;
}

interface Feed {
  /** The feed's base address, http://127.0.0.1:port/oruk. */
  base: string;
  /** While true, requests wait unanswered until `release()`. */
  held: boolean;
  /** Every request's path and query, in order. */
  requests: string[];
  release(): void;
  close(): void;
}

const feeds: Feed[] = [];

afterEach(() => {
  for (const f of feeds.splice(0)) f.close();
});

/** An Open Referral feed served from the test on 127.0.0.1 (the backend's feed reader
 * reads http as well as https). `services` answers `/oruk/services?page=N`; each id in
 * `details` answers `/oruk/services/{id}`; anything else is 404. While `held`, answers
 * wait, so the app can be seen mid-way through reading. Closed after the test. */
async function serveFeed(services: (page: number) => unknown, details: Record<string, unknown> = {}): Promise<Feed> {
  const waiting: (() => void)[] = [];
  const answer = (url: URL, res: ServerResponse) => {
    const detail = /^\/oruk\/services\/([^/]+)$/.exec(url.pathname);
    let body: unknown = undefined;
    if (url.pathname === "/oruk/services") body = services(Number(url.searchParams.get("page") ?? "1"));
    else if (detail) body = details[decodeURIComponent(detail[1])];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    feed.requests.push(url.pathname + url.search);
    if (feed.held) waiting.push(() => answer(url, res));
    else answer(url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const feed: Feed = {
    base: `http://127.0.0.1:${port}/oruk`,
    held: false,
    requests: [],
    release() {
      feed.held = false;
      for (const w of waiting.splice(0)) w();
    },
    close() {
      feed.release();
      server.closeAllConnections();
      server.close();
    },
  };
  feeds.push(feed);
  return feed;
}

describe("importing", () => {
  it("loads the example directory for any staff member and reports what it did", async () => {
    const { api, user } = await exampleLoaded(await openDirectory());
    expect(screen.getByTestId("import-result").textContent).toContain(
      "29 new, 0 changed, 0 unchanged, 0 skipped, 0 no longer listed.",
    );
    expect(screen.getByTestId("import-result").getAttribute("role")).toBe("status");
    expect(api.calls.some((c) => c.command === "directory_load_example")).toBe(true);
    await user.click(byId("directory-view-services"));
    await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toBe("Showing 1–25 of 29"));
    expect(byId("directory-view-services").getAttribute("aria-current")).toBe("page");
    expect(screen.getAllByTestId("service-row")).toHaveLength(25);

    await user.click(byId("directory-next"));
    await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toBe("Showing 26–29 of 29"));
    expect(screen.getAllByTestId("service-row")).toHaveLength(4);
    expect(byId<HTMLButtonElement>("directory-next").disabled).toBe(true);
    await user.click(byId("directory-prev"));
    await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toBe("Showing 1–25 of 29"));
    // Sorted by name, ignoring case.
    const shown = names();
    expect(shown).toEqual([...shown].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it("reports nothing new when the same directory is loaded again", async () => {
    const { api, user } = await exampleLoaded(await openDirectory());
    await user.click(byId("load-example-directory"));
    await waitFor(() =>
      expect(screen.getByTestId("import-result").textContent).toContain("0 new, 0 changed, 29 unchanged"),
    );
    expect(await api.allServices()).toHaveLength(29);
    // Where the directory came from is listed with its last import.
    const source = await screen.findByTestId("directory-source");
    expect(source.textContent?.replace(/\s+/g, " ")).toContain("29 services listed");
  });

  it("previews a chosen file, imports only on Import, and a cancelled picker or preview changes nothing", async () => {
    const { api, user } = await openDirectory();
    await user.click(byId("open-import"));
    // The person cancels the file dialog (the desk cancels every dialog until told otherwise).
    await user.click(byId("import-directory"));
    await waitFor(() => expect(api.calls.some((c) => c.command === "directory_choose_file")).toBe(true));
    expect(screen.queryByTestId("import-preview")).toBeNull();
    expect(screen.queryByTestId("import-error")).toBeNull();
    expect((await api.deskLog()).asked).toEqual(["open: Import an Open Referral directory"]);

    const file = fileWith(
      "directory.json",
      JSON.stringify({
        contents: [
          {
            id: "svc-1",
            name: "Walking Football",
            organization: { id: "org-1", name: "Hollinsford Town FC" },
            schedules: [{ byday: "WE", description: "Wednesdays 6pm" }],
            cost_options: [{ amount: 3 }],
            assured_date: "2026-10-01",
          },
        ],
      }),
    );
    await api.desk({ pickFile: file });
    await user.click(byId("import-directory"));
    const preview = await screen.findByTestId("import-preview");
    expect(within(preview).getByTestId("preview-counts").textContent).toBe(
      "1 new, 0 changed, 0 unchanged, 0 skipped, 0 no longer listed.",
    );
    expect(within(preview).getByTestId("preview-source").textContent).toBe("directory.json");
    expect(api.calls.some((c) => c.command === "directory_preview_file")).toBe(true);
    await waitFor(() => expect(document.activeElement?.id).toBe("import-preview-heading"));
    expect(await api.allServices()).toHaveLength(0);

    await user.click(byId("cancel-import"));
    expect(screen.queryByTestId("import-preview")).toBeNull();
    expect(screen.getByTestId("import-result").textContent).toContain("Nothing was imported.");
    expect(await api.allServices()).toHaveLength(0);
    expect(await api.directorySources()).toEqual([]);

    await user.click(byId("import-directory"));
    await screen.findByTestId("import-preview");
    await user.click(byId("confirm-import"));
    await waitFor(() =>
      expect(screen.getByTestId("import-result").textContent).toContain(
        "Imported 1 service from directory.json: 1 new",
      ),
    );
    expect(api.calls.some((c) => c.command === "directory_import_confirm")).toBe(true);
    await user.click(byId("directory-view-services"));
    await shows(["Walking Football"]);
    const r = row("Walking Football");
    expect(within(r).getByTestId("service-organization").textContent).toBe("Hollinsford Town FC");
    expect(within(r).getByTestId("service-when").textContent?.trim()).toBe("Wednesdays 6pm");
    expect(within(r).getByTestId("service-cost").textContent).toBe("Low cost");
    expect(within(r).getByTestId("service-verified").textContent?.trim()).toBe("Last verified 1 Oct 2026");
    await expand(user, "Walking Football");
    expect(within(r).getByTestId("service-source").textContent).toContain("directory.json");
  });

  it("imports a data package's CSV tables picked by one of their files", async () => {
    const folder = tempFolder();
    writeFileSync(
      join(folder, "organizations.csv"),
      "id,name,description\norg-1,Hollinsford Allotment Society,Allotments by the canal\n",
    );
    writeFileSync(
      join(folder, "services.csv"),
      "id,organization_id,name,description,status,assured_date\n" +
        "svc-9,org-1,Community Allotment,\"Grow vegetables, meet people\",active,2026-09-01\n",
    );
    const { api, user } = await openDirectory();
    await user.click(byId("directory-view-import"));
    await api.desk({ pickFile: join(folder, "services.csv") });
    await user.click(byId("import-directory"));
    const preview = await screen.findByTestId("import-preview");
    expect(preview.textContent).toContain("(a data package)");
    expect(within(preview).getByTestId("preview-counts").textContent).toBe(
      "1 new, 0 changed, 0 unchanged, 0 skipped, 0 no longer listed.",
    );
    await user.click(byId("confirm-import"));
    await waitFor(() => expect(screen.getByTestId("import-result").textContent).toContain("Imported 1 service"));
    await user.click(byId("directory-view-services"));
    await shows(["Community Allotment"]);
    expect(within(row("Community Allotment")).getByTestId("service-organization").textContent).toBe(
      "Hollinsford Allotment Society",
    );
  });

  it("shows why a file cannot be read, and changes nothing", async () => {
    const { api, user } = await withExample();
    await user.click(byId("directory-view-import"));
    await api.desk({ pickFile: fileWith("directory.json", "not json") });
    await user.click(byId("import-directory"));
    const alert = await screen.findByTestId("import-error");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("Nothing was imported.");
    expect(alert.textContent).toContain("The file is not valid JSON");
    expect(alert.textContent).toContain("Nothing has been changed.");
    expect(screen.queryByTestId("import-preview")).toBeNull();
    expect(await api.allServices()).toHaveLength(29);
  });

  it("reads a feed with progress and Cancel, and follows it once imported", async () => {
    // Page 1 lists Art Club as a summary, so the reader fetches its full record next.
    const feed = await serveFeed(
      (page) => (page === 1 ? { contents: [{ id: "a", name: "Art Club" }], total_pages: 1 } : { contents: [] }),
      { a: { id: "a", name: "Art Club", organization: { id: "o", name: "Hollinsford Arts" } } },
    );
    const api = await signedIn({ today: TODAY, as: TEST_LINK_WORKER });
    // Not a stub: the real cancel runs; the spy only lets the test wait for its answer.
    const cancel = vi.spyOn(api, "directoryFeedCancel");
    const { user } = await openDirectory(api);
    await user.click(byId("directory-view-import"));
    await user.click(byId("read-feed"));
    expect(byId("feed-address-error").textContent).toContain("Enter the feed's address");
    expect(document.activeElement?.id).toBe("feed-address");

    // The feed's first page is held until Cancel has been pressed.
    feed.held = true;
    await user.type(byId("feed-address"), `${feed.base}/`);
    await user.click(byId("read-feed"));
    await screen.findByTestId("feed-progress");
    await waitFor(() => expect(feed.requests).toEqual(["/oruk/services?page=1&per_page=100"]));
    await user.click(byId("cancel-feed"));
    await waitFor(() => expect(cancel).toHaveBeenCalledOnce());
    await cancel.mock.results[0].value;
    feed.release();
    const alert = await screen.findByTestId("import-error");
    expect(alert.textContent).toContain("Reading the feed was cancelled. Nothing has been changed.");
    expect(screen.queryByTestId("feed-progress")).toBeNull();
    // It stopped before asking for Art Club's full record.
    expect(feed.requests).toEqual(["/oruk/services?page=1&per_page=100"]);
    expect(await api.allServices()).toHaveLength(0);

    await user.click(byId("read-feed"));
    const preview = await screen.findByTestId("import-preview");
    expect(within(preview).getByTestId("preview-source").textContent).toBe(feed.base);
    expect(feed.requests).toContain("/oruk/services/a");
    await user.click(byId("confirm-import"));
    const source = await screen.findByTestId("directory-source");
    expect(source.textContent?.replace(/\s+/g, " ")).toContain(`${feed.base} (feed): 1 service listed`);
    expect(screen.queryByTestId("refresh-due")).toBeNull();
    const imported = await api.allServices();
    expect(imported.map((s) => s.name)).toEqual(["Art Club"]);
    expect(imported[0].organization).toBe("Hollinsford Arts");

    // A month later the list offers a refresh.
    await api.moveDate(addDays(todayIso(), 31));
    await user.click(byId("directory-view-services"));
    const offer = await screen.findByTestId("refresh-offer");
    expect(offer.textContent).toContain(`The feed ${feed.base} has not been read for over 30 days.`);
    await user.click(byId("offer-refresh"));
    expect(await screen.findByTestId("refresh-due")).toBeTruthy();
  });

  it("exports the directory in either form, and a cancelled save dialog writes nothing", async () => {
    const { api, user } = await exampleLoaded(await openDirectory());
    const folder = tempFolder();
    const zip = join(folder, "directory.zip");
    await api.desk({ saveTo: zip });
    await user.click(byId("export-directory-package"));
    await waitFor(() =>
      expect(screen.getByTestId("import-result").textContent).toContain(`29 services exported to ${zip}.`),
    );
    // A zip file (its local file header).
    expect(readFileSync(zip).subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");

    const json = join(folder, "directory.json");
    await api.desk({ saveTo: json });
    await user.click(byId("export-directory-json"));
    await waitFor(() =>
      expect(screen.getByTestId("import-result").textContent).toContain(`29 services exported to ${json}.`),
    );
    const page = JSON.parse(readFileSync(json, "utf8")) as { contents: { name: string }[] };
    expect(page.contents).toHaveLength(29);
    expect(page.contents.map((s) => s.name)).toContain("Knit and Natter");

    await api.desk({ saveTo: null });
    await user.click(byId("export-directory-json"));
    await waitFor(() => expect(api.calls.filter((c) => c.command === "directory_export")).toHaveLength(3));
    expect(readdirSync(folder).sort()).toEqual(["directory.json", "directory.zip"]);
    expect((await api.deskLog()).asked.filter((a) => a.startsWith("save: Export the directory"))).toHaveLength(3);
  });

  it("files a feed's term under the practice's category", async () => {
    const { api, user } = await openDirectory();
    // A 211's service with an AIRS term Waymark has no guess for.
    const file = fileWith(
      "legal.json",
      JSON.stringify([
        {
          id: "legal-1",
          name: "Free Legal Clinic",
          attributes: [{ taxonomy_term: { taxonomy: "AIRS", code: "FT", name: "Legal Services" } }],
        },
      ]),
    );
    await api.desk({ pickFile: file });
    await user.click(byId("directory-view-import"));
    await user.click(byId("import-directory"));
    await screen.findByTestId("import-preview");
    await user.click(byId("confirm-import"));
    await waitFor(() => expect(screen.getByTestId("import-result").textContent).toContain("Imported 1 service"));
    expect((await api.allServices())[0].category).toBe("Uncategorised");

    await user.click(byId("directory-view-categories"));
    const table = await screen.findByTestId("term-table");
    expect(within(table).getByTestId("term-row").textContent).toContain("Legal Services (FT)");
    await select(user, "term-category-legal services", "Money and debt");
    await waitFor(() =>
      expect(screen.getByTestId("categories-notice").textContent).toContain(
        "“Legal Services (FT)” now files under Money and debt",
      ),
    );
    expect(await api.directoryTerms()).toMatchObject([
      { key: "legal services", label: "Legal Services (FT)", vocabulary: "AIRS", chosen: "Money and debt" },
    ]);
    expect((await api.allServices())[0].category).toBe("Money and debt");
  });
});

describe("finding a service", () => {
  it("searches as you type, by the start of words, accents ignored", async () => {
    const { user } = await withExample();
    await user.type(byId("directory-search"), "yoga");
    await shows(["Gentle Yoga for Strength and Balance"]);
    await user.clear(byId("directory-search"));
    await user.type(byId("directory-search"), "resume");
    await shows(["CV and Résumé Writing Class"]);
    await user.clear(byId("directory-search"));
    await user.type(byId("directory-search"), "zzzz");
    await waitFor(() => expect(screen.getByTestId("directory-empty").textContent).toContain("No services match"));
  });

  it("never lets a slow answer to an older search replace a newer one", async () => {
    const { api, user } = await withExample();
    // Stub: the real search answers at once, so the answer to "y" is held back to arrive
    // after the newer one; the pages themselves are the backend's.
    const real = api.serviceList.bind(api);
    vi.spyOn(api, "serviceList").mockImplementation(async (q) => {
      const page = await real(q);
      if (q.text === "y") await new Promise((r) => setTimeout(r, 400));
      return page;
    });
    await user.type(byId("directory-search"), "y");
    await new Promise((r) => setTimeout(r, 250)); // the "y" request is on its way
    await user.type(byId("directory-search"), "oga");
    await shows(["Gentle Yoga for Strength and Balance"]);
    await new Promise((r) => setTimeout(r, 400)); // the "y" answer arrives, and is ignored
    expect(names()).toEqual(["Gentle Yoga for Strength and Balance"]);
  });

  it("narrows by day", async () => {
    const { user } = await withExample();
    await select(user, "filter-day", "SA");
    await shows(["Allotment Gardening Class", "Parkrun", "Saturday Group Hike"]);
    expect(screen.getByTestId("directory-count").textContent).toBe("Showing 1–3 of 3");
    await user.click(byId("clear-directory-filters"));
    await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toBe("Showing 1–25 of 29"));
  });

  it("narrows by language, named in words", async () => {
    const { api, user } = await withExample();
    const option = within(byId("filter-language")).getByRole("option", { name: "Polish" }) as HTMLOptionElement;
    expect(option.value).toBe("pl");
    await select(user, "filter-language", "pl");
    const expected = (await api.allServices())
      .filter((s) => s.languages.includes("pl"))
      .map((s) => s.name)
      .sort((a, b) => a.localeCompare(b));
    expect(expected).toContain("Community Childcare Co-op");
    expect(expected.length).toBeLessThan(29);
    await shows(expected);
  });

  it("narrows by cost", async () => {
    const { api, user } = await withExample();
    await select(user, "filter-cost", "free");
    const free = (await api.allServices()).filter((s) => s.costBand === "free").length;
    await waitFor(() => expect(screen.getAllByTestId("service-row")).toHaveLength(free));
    for (const c of screen.getAllByTestId("service-cost")) expect(c.textContent).toBe("Free");
    await select(user, "filter-cost", "free_or_low");
    const cheap = (await api.allServices()).filter((s) => s.costBand === "free" || s.costBand === "low").length;
    expect(cheap).toBeGreaterThan(free);
    await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toContain(`of ${cheap}`));
  });

  it("narrows by category", async () => {
    const { api, user } = await withExample();
    await select(user, "filter-category", "Physical activity");
    const expected = (await api.allServices()).filter((s) => s.category === "Physical activity").length;
    expect(expected).toBeGreaterThan(1);
    await waitFor(() => expect(screen.getByTestId("directory-count").textContent).toContain(`of ${expected}`));
    for (const c of screen.getAllByTestId("service-category")) expect(c.textContent).toBe("Physical activity");
  });

  it("finds services not verified for a year, flagged", async () => {
    const { user } = await withExample();
    expect(within(row("Knit and Natter")).getByTestId("stale-flag").textContent).toBe("Not verified for over a year");
    expect(within(row("Gentle Yoga for Strength and Balance")).queryByTestId("stale-flag")).toBeNull();
    await user.click(byId("filter-stale"));
    await shows(["Knit and Natter"]);
    expect(within(row("Knit and Natter")).getByTestId("service-verified").textContent).toContain(
      "Last verified 1 Sep 2024",
    );
  });

  it("narrows by accessibility needs", async () => {
    const { user } = await withExample();
    await user.type(byId("filter-access"), "hoist");
    await shows(["Swim for Health"]);
  });

  it("shows every detail of a service when expanded", async () => {
    const { api, user } = await withExample();
    await user.type(byId("directory-search"), "yoga");
    await shows(["Gentle Yoga for Strength and Balance"]);
    const r = await expand(user, "Gentle Yoga for Strength and Balance");
    const details = within(r).getByTestId("service-details");
    expect(details.textContent).toContain("Lotus Tree Yoga Studio");
    expect(details.textContent).toContain("Unit 3, Canal Wharf, Hollinsford, HF1 2QT");
    expect(details.textContent).toContain("Days: Tuesday, Thursday");
    expect(details.textContent).toContain("50% off");
    expect(within(details).getByTestId("service-accessibility").textContent).toContain("step-free access");
    expect(within(details).getByTestId("service-languages").textContent).toContain("English (en)");
    expect(within(details).getByTestId("service-join-method").textContent).toContain("Signpost");
    expect(within(details).getByTestId("service-hsds-id").textContent).toMatch(/^[0-9a-f-]{36}$/);
    // The web page is text, never a link that could leave the app or run script; its
    // button hands it to the system's browser through the app.
    const url = within(details).getByTestId("service-url").textContent ?? "";
    expect(url).toMatch(/^https:\/\//);
    expect(details.querySelector("a")).toBeNull();
    await user.click(within(details).getByTestId("service-url-open"));
    await waitFor(async () => expect((await api.deskLog()).openedUrls).toEqual([url]));
    await user.click(within(r).getByRole("button", { expanded: true }));
    expect(within(r).queryByTestId("service-details")).toBeNull();
  });
});

describe("adding and editing services", () => {
  it("shows each field's problem and adds nothing until it is put right", async () => {
    const { api, user } = await openDirectory();
    await user.click(byId("add-service"));
    await screen.findByRole("heading", { level: 2, name: "Add a service" });
    await user.type(byId("service-name"), "Walking Netball");
    await user.type(byId("service-category"), "Physical activity");
    await user.click(byId("service-day-TU"));
    await user.click(byId("service-day-FR"));
    await user.selectOptions(byId("service-costBand"), "low");
    await user.type(byId("service-languages"), "en, pl");
    await user.type(byId("service-url"), "javascript:alert(1)");
    await user.click(byId("save-service"));

    const summary = await screen.findByTestId("error-summary");
    expect(summary.textContent).toContain("Web page: Enter a web address starting https://");
    expect(byId("service-url-error").textContent).toContain(
      "Enter a web address starting https://, e.g. https://example.org.",
    );
    expect(byId("service-url").getAttribute("aria-invalid")).toBe("true");
    expect(byId("service-url").getAttribute("aria-describedby")).toContain("service-url-error");
    expect(await api.allServices()).toHaveLength(0);
    // The summary's link takes focus to the field.
    await user.click(within(summary).getByRole("button", { name: /Web page/ }));
    expect(document.activeElement).toBe(byId("service-url"));

    await user.clear(byId("service-url"));
    await user.type(byId("service-url"), "https://netball.example/walking");
    await user.click(byId("save-service"));
    await shows(["Walking Netball"]);
    expect(screen.getByTestId("directory-notice").textContent).toContain("Walking Netball has been added");
    // The new service is open, and focus is on it.
    await waitFor(() => expect(document.activeElement?.id).toMatch(/^service-toggle-/));
    const details = within(row("Walking Netball")).getByTestId("service-details");
    expect(details.textContent).toContain("Days: Tuesday, Friday");
    expect(details.textContent).toContain("https://netball.example/walking");
    expect(within(row("Walking Netball")).getByTestId("service-cost").textContent).toBe("Low cost");
    expect(within(row("Walking Netball")).getByTestId("stale-flag").textContent).toBe("Never verified");
    expect((await api.allServices())[0]).toMatchObject({
      languages: ["en", "pl"],
      days: ["TU", "FR"],
      costBand: "low",
    });
  });

  it("cancelling the form saves nothing and returns focus", async () => {
    const { api, user } = await openDirectory();
    await user.click(byId("add-service"));
    await user.type(byId("service-name"), "Half typed");
    await user.click(byId("cancel-service"));
    await waitFor(() => expect(document.activeElement).toBe(byId("add-service")));
    expect(await api.allServices()).toHaveLength(0);
  });

  it("edits a service, and a re-verified service is no longer flagged", async () => {
    const { api, user } = await withExample();
    await user.type(byId("directory-search"), "knit");
    await shows(["Knit and Natter"]);
    const r = await expand(user, "Knit and Natter");
    await user.click(within(r).getByTestId("edit-service"));
    await screen.findByRole("heading", { level: 2, name: "Edit Knit and Natter" });
    expect(byId<HTMLInputElement>("service-name").value).toBe("Knit and Natter");
    expect(byId<HTMLInputElement>("service-lastVerified").value).toBe("01/09/2024");

    // A date in the future is refused, and nothing changes.
    await fireEvent.input(byId("service-lastVerified"), { target: { value: "2027-01-01" } });
    await user.click(byId("save-service"));
    expect((await screen.findByTestId("error-summary")).textContent).toContain("cannot be in the future");
    expect(byId("service-lastVerified-error")).toBeTruthy();
    expect((await api.allServices()).find((s) => s.name === "Knit and Natter")?.lastVerified).toBe("2024-09-01");

    await fireEvent.input(byId("service-lastVerified"), { target: { value: "2026-11-20" } });
    await user.clear(byId("service-name"));
    await user.type(byId("service-name"), "Knit and Natter Club");
    await user.click(byId("save-service"));
    await screen.findByTestId("directory-notice");
    await user.clear(byId("directory-search"));
    await user.type(byId("directory-search"), "knit");
    await shows(["Knit and Natter Club"]);
    const edited = row("Knit and Natter Club");
    expect(within(edited).queryByTestId("stale-flag")).toBeNull();
    expect(within(edited).getByTestId("service-verified").textContent?.trim()).toBe("Last verified 20 Nov 2026");
    expect(await api.allServices()).toHaveLength(29);
  });

  it("retires a service after confirming, hides it unless asked, and brings it back", async () => {
    const { api, user } = await withExample();
    await user.type(byId("directory-search"), "natter");
    await shows(["Knit and Natter"]);
    let r = await expand(user, "Knit and Natter");

    // Cancel first: nothing changes and focus returns to Retire.
    await user.click(within(r).getByTestId("retire-service"));
    await user.click(within(r).getByTestId("cancel-retire"));
    expect(document.activeElement).toBe(within(r).getByTestId("retire-service"));
    expect((await api.allServices()).find((s) => s.name === "Knit and Natter")?.status).toBe("active");

    await user.click(within(r).getByTestId("retire-service"));
    const confirm = within(r).getByTestId("confirm-retire");
    await waitFor(() => expect(document.activeElement).toBe(confirm));
    await user.click(confirm);
    await waitFor(() => expect(screen.getByTestId("directory-empty")).toBeTruthy());
    expect(screen.getByTestId("directory-notice").textContent).toContain("Knit and Natter is retired");
    expect((await api.allServices()).find((s) => s.name === "Knit and Natter")?.status).toBe("inactive");

    await user.click(byId("filter-inactive"));
    await shows(["Knit and Natter"]);
    r = row("Knit and Natter");
    expect(within(r).getByTestId("retired-badge").textContent).toBe("Retired");
    const back = within(r).getByTestId("retire-service");
    expect(back.textContent).toContain("Bring back");
    await user.click(back);
    await waitFor(() => expect(within(row("Knit and Natter")).queryByTestId("retired-badge")).toBeNull());
    expect((await api.allServices()).find((s) => s.name === "Knit and Natter")?.status).toBe("active");
  });

  it("shows user text literally, never as markup", async () => {
    const api = await signedIn({ today: TODAY, as: TEST_LINK_WORKER });
    const hostile: ServiceInput = {
      ...emptyServiceInput(),
      name: "<img src=x onerror=alert(1)>",
      organization: "<script>alert(1)</script>",
      description: "<b>bold</b> \u202eevil",
      category: "<i>x</i>",
      accessibility: "<svg onload=alert(1)>",
    };
    await api.serviceCreate(hostile);
    const { user } = await openDirectory(api);
    await shows(["<img src=x onerror=alert(1)>"]);
    const r = await expand(user, "<img src=x onerror=alert(1)>");
    expect(within(r).getByTestId("service-organization").textContent).toBe("<script>alert(1)</script>");
    expect(r.textContent).toContain("<b>bold</b>");
    expect(document.querySelector("main img, main script, main b, main i, main svg")).toBeNull();
    await user.click(within(r).getByTestId("edit-service"));
    expect(byId<HTMLInputElement>("service-name").value).toBe("<img src=x onerror=alert(1)>");
    expect(document.querySelector("main img")).toBeNull();
  });
});
