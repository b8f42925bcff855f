// Help from support: any signed-in member of staff, and the "cannot open" screen, can
// gather the diagnostics text; it is shown as text and copied when the clipboard allows.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { MockApi, TEST_LINK_WORKER } from "./api/mock";
import { byId, startApp } from "./test/dom";

describe("help from support", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gathers, shows and copies the diagnostics for a link worker", async () => {
    const api = MockApi.signedIn({}, TEST_LINK_WORKER);
    const user = await startApp(api);
    // After user-event's set-up, which installs its own clipboard.
    const written: string[] = [];
    vi.spyOn(navigator.clipboard, "writeText").mockImplementation(async (t: string) => void written.push(t));
    await user.click(byId("nav-support"));
    await screen.findByRole("heading", { level: 1, name: "Help" });
    await user.click(byId("copy-diagnostics"));
    const shown = await screen.findByTestId("diagnostics-text");
    expect(shown.textContent).toContain("Waymark diagnostics (no patient data)");
    expect(written).toEqual([shown.textContent]);
    expect(screen.getByTestId("diagnostics-status").textContent).toContain("Copied");
  });

  it("asks to copy by hand when the clipboard refuses", async () => {
    const api = MockApi.signedIn({}, TEST_LINK_WORKER);
    const user = await startApp(api);
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new Error("not allowed"));
    await user.click(byId("nav-support"));
    await user.click(byId("copy-diagnostics"));
    await screen.findByTestId("diagnostics-text");
    expect(screen.getByTestId("diagnostics-status").textContent).toContain("Select the text below");
  });

  it("is offered when the caseload did not open", async () => {
    const api = new MockApi({
      status: {
        ready: false,
        dataDir: "/srv/waymark",
        error: { code: "key_missing", message: "The key is missing.", fields: [] },
      },
    });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("open-error");
    await user.click(byId("copy-diagnostics"));
    await waitFor(() => expect(screen.getByTestId("diagnostics-text").textContent).toContain("not open"));
    expect(screen.getByTestId("diagnostics-text").textContent).toContain("/srv/waymark");
  });
});
