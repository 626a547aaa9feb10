// Starts every GOV.UK Frontend component on the page (a separate file: the CSP allows no inline script).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
