// fake-indexeddb's ./auto entry ships no types; importing it only installs globals.
declare module 'fake-indexeddb/auto';
