// The languages a prescription prints in: a fixed list the app sends, asked for once per
// Api and shared by the screens that name or offer them.
import type { Api } from "../api";
import type { PrintLanguageInfo } from "../api/bindings/PrintLanguageInfo";
import { ENGLISH_ONLY } from "./labels";

const lists = new WeakMap<Api, Promise<PrintLanguageInfo[]>>();

/** The list, English alone if the app could not send it (asked again next time). */
export function loadPrintLanguages(api: Api): Promise<PrintLanguageInfo[]> {
  let list = lists.get(api);
  if (!list) {
    list = api.printLanguages().catch(() => {
      lists.delete(api);
      return [ENGLISH_ONLY];
    });
    lists.set(api, list);
  }
  return list;
}
