// The community directory half of the in-memory backend (see mock.ts): services, their
// filters, and reading an Open Referral HSDS 3.0 page, with the backend's rules.
import type { DirectoryFacets } from "./bindings/DirectoryFacets";
import type { ImportReport } from "./bindings/ImportReport";
import type { Service } from "./bindings/Service";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { ServicePage } from "./bindings/ServicePage";
import type { ServiceQuery } from "./bindings/ServiceQuery";
import type { ServiceStatus } from "./bindings/ServiceStatus";

export class MockDirectory {
  services: Service[] = [];

  constructor(private today: string) {}

  list(_query: ServiceQuery): ServicePage {
    throw new Error(`not implemented (${this.today})`);
  }

  get(_id: number): Service {
    throw new Error("not implemented");
  }

  create(_input: ServiceInput): Service {
    throw new Error("not implemented");
  }

  update(_id: number, _input: ServiceInput): Service {
    throw new Error("not implemented");
  }

  setStatus(_id: number, _status: ServiceStatus): Service {
    throw new Error("not implemented");
  }

  facets(): DirectoryFacets {
    throw new Error("not implemented");
  }

  /** Imports an HSDS page's text, all or nothing; throws an `import_invalid` ApiError. */
  importText(_text: string): ImportReport {
    throw new Error("not implemented");
  }

  /** Imports the example directory shipped with the app. */
  loadExample(): ImportReport {
    throw new Error("not implemented");
  }
}
