export const FIRST_NAMES = ['Ada', 'Ben', 'Clara', 'David', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Lars', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wim', 'Xenia', 'Yusuf', 'Zoe'];
export const LAST_NAMES = ['Adler', 'Berger', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski', 'Lopez', 'Meyer', 'Novak', 'Olsen', 'Petit', 'Rossi', 'Schmidt', 'Tanaka', 'Urban', 'Vogel', 'Weber', 'Young', 'Zimmer'];
export const COMPANY_WORDS = ['Acme', 'Borealis', 'Cobalt', 'Delta', 'Evergreen', 'Fjord', 'Granite', 'Helix', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Orbit', 'Pioneer', 'Quartz', 'Riverside', 'Summit', 'Tundra'];
export const COMPANY_SUFFIXES = ['GmbH', 'Ltd', 'SAS', 'BV', 'Inc', 'SL', 'AG'];
export const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'NL', 'ES', 'AT'] as const;
export const PHONE_PREFIX: Record<string, string> = { DE: '+49 30', FR: '+33 1', GB: '+44 20', US: '+1 212', NL: '+31 20', ES: '+34 91', AT: '+43 1' };
export const CURRENCY_BY_COUNTRY: Record<string, string> = { US: 'USD', GB: 'GBP' };
export const ACCOUNT_MANAGERS = ['Anna Keller', 'Brian Walsh', 'Chloé Martin', 'Diego Ramos', 'Eva Lindqvist'];
export const PRODUCT_ADJECTIVES = ['Steel', 'Aluminium', 'Brass', 'Carbon', 'Ceramic', 'Copper', 'Nylon', 'Titanium'];
export const PRODUCT_NOUNS = ['Bracket', 'Bolt', 'Bearing', 'Valve', 'Gasket', 'Hinge', 'Pulley', 'Sprocket', 'Spring', 'Washer', 'Coupling', 'Flange', 'Clamp', 'Fitting', 'Rivet'];
export const TICKET_SUBJECTS = [
  'Delivery is late',
  'Wrong item received',
  'Invoice amount looks wrong',
  'Request for a copy of the invoice',
  'Damaged packaging',
  'Change delivery address',
  'Question about payment terms',
  'Cannot log in to the portal',
  'Missing items in shipment',
  'Request to cancel order',
];
