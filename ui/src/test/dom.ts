// DOM helpers shared by the App tests.
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import App from "../App.svelte";
import type { Api } from "../api";

export type User = ReturnType<typeof userEvent.setup>;

/** The element with this id; fails the test when there is none. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no element #${id}`);
  return el as T;
}

/** Renders the app on `api` (signed in) and waits for the caseload. */
export async function startApp(api: Api): Promise<User> {
  const user = userEvent.setup();
  render(App, { props: { api } });
  await screen.findByRole("heading", { level: 1, name: "Caseload" });
  return user;
}

/** Opens the patient whose caseload row matches `name`; the page's heading. */
export async function openPatient(user: User, name: RegExp): Promise<HTMLElement> {
  const rows = await screen.findAllByTestId("patient-row");
  const row = rows.find((r) => name.test(r.textContent ?? ""));
  if (!row) throw new Error(`no row matching ${name}`);
  await user.click(within(row).getByRole("button"));
  return screen.findByTestId("patient-name");
}
