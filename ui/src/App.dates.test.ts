// Date fields type dates the practice's way, whatever the computer's locale: the label
// states the pattern, the field says in words the date it understood, and a text that is
// not a date is never saved as some other date. The reading rules are the Rust domain's
// (crates/domain/src/dates.rs, tested there); these tests check the screens use them.
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { byId, startApp } from "./test/dom";
import { signedIn, type TestApi } from "./test/host";

async function registerWith(api: TestApi, dateOfBirth: string) {
  const user = await startApp(api);
  await user.click(byId("register-patient"));
  await user.type(byId("givenName"), "Ada");
  await user.type(byId("familyName"), "Okafor");
  await user.type(byId("dateOfBirth"), dateOfBirth);
  return user;
}

describe("date fields", () => {
  it("read day/month/year at a UK practice and say the date in words", async () => {
    const api = await signedIn();
    const user = await registerWith(api, "02/06/1979");
    expect(document.querySelector('label[for="dateOfBirth"]')?.textContent).toContain("Date of birth (dd/mm/yyyy)");
    await waitFor(() => expect(byId("dateOfBirth-echo").textContent?.trim()).toBe("2 June 1979"));
    expect(byId("dateOfBirth").getAttribute("aria-describedby")).toContain("dateOfBirth-echo");
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    expect((await api.allPatients())[0].dateOfBirth).toBe("1979-06-02");
    // The reading came from the backend's date reader, with what the date is for.
    expect(api.calls.some((c) => c.command === "date_read" && JSON.stringify(c.args).includes('"birth"'))).toBe(true);
  });

  it("read month/day/year at a US practice", async () => {
    const api = await signedIn({ practice: { name: "Eastside", country: "us" } });
    const user = await registerWith(api, "02/06/1979");
    expect(document.querySelector('label[for="dateOfBirth"]')?.textContent).toContain("(mm/dd/yyyy)");
    await waitFor(() => expect(byId("dateOfBirth-echo").textContent?.trim()).toBe("February 6, 1979"));
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    expect((await api.allPatients())[0].dateOfBirth).toBe("1979-02-06");
  });

  it("say why a text is not a date, and save nothing in its place", async () => {
    const api = await signedIn();
    const user = await registerWith(api, "02/06/79");
    await waitFor(() => expect(byId("dateOfBirth-echo").textContent).toContain("four digits"));
    expect(byId("dateOfBirth").getAttribute("aria-invalid")).toBe("true");
    await user.click(byId("save-patient"));
    await waitFor(() => expect(byId("dateOfBirth-error")).toBeTruthy());
    expect(await api.allPatients()).toHaveLength(0);
    // Put right, it saves.
    await user.clear(byId("dateOfBirth"));
    await user.type(byId("dateOfBirth"), "1979-06-02");
    await waitFor(() => expect(byId("dateOfBirth-echo").textContent?.trim()).toBe("2 June 1979"));
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    expect((await api.allPatients())[0].dateOfBirth).toBe("1979-06-02");
  });

  it("show a saved date again the practice's way when the record is edited", async () => {
    const api = await signedIn();
    const user = await registerWith(api, "21/08/1979");
    await waitFor(() => expect(byId("dateOfBirth-echo").textContent?.trim()).toBe("21 August 1979"));
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    await user.click(byId("edit-patient"));
    expect(byId<HTMLInputElement>("dateOfBirth").value).toBe("21/08/1979");
    await waitFor(() => expect(byId("dateOfBirth-echo").textContent?.trim()).toBe("21 August 1979"));
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "" } });
    expect(byId("dateOfBirth-echo").textContent?.trim()).toBe("");
  });
});
