// A file's classes by name, for the lookups every check of a file makes (a reference's own class, a name Python
// binds to a class of the module). Made once per list of classes, and carried over to the next list when the
// names stand at the same places: an edit inside one class of an open document makes a new list with that one
// class replaced, and two maps of the ~180 classes of a 2,000-line model file were made again on each keystroke.
import type { ClassFact } from './types';

/** For one list of classes: where the first class of each name is, among all and among the models. */
interface Places {
  /** The list these places were made for, or the last list they were carried over to, and its length then. */
  classes: readonly ClassFact[];
  length: number;
  /** The first class of each name. */
  all: Map<string, number>;
  /** The first class of each name that no other dialect framework claims (`ClassFact.framework`). */
  models: Map<string, number>;
}

const placesOf = new WeakMap<readonly ClassFact[], Places>();
/** The places made or carried over last: the list an edit replaced was most likely this one. */
let recent: Places | undefined;

function placesFor(classes: readonly ClassFact[]): Places {
  const known = placesOf.get(classes);
  // An extractor fills its list by pushing: a list asked about while it grew is read again. Facts are never
  // changed otherwise (an edit makes a new list), so the places made for a list of this length stand.
  if (known && known.classes === classes && known.length === classes.length) return known;
  let places = recent && recent.length === classes.length && sameNames(recent.classes, classes) ? recent : undefined;
  if (places) {
    places.classes = classes;
  } else {
    places = { classes, length: classes.length, all: new Map(), models: new Map() };
    for (let i = 0; i < classes.length; i++) {
      const c = classes[i];
      if (!places.all.has(c.name)) places.all.set(c.name, i);
      if (!c.framework && !places.models.has(c.name)) places.models.set(c.name, i);
    }
  }
  placesOf.set(classes, places);
  recent = places;
  return places;
}

/** Whether two lists of classes have the same names, and the same claim by a framework, at every place. */
function sameNames(a: readonly ClassFact[], b: readonly ClassFact[]): boolean {
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i].name !== b[i].name || a[i].framework !== b[i].framework) return false;
  }
  return true;
}

/** The first class of `classes` named `name` (as `find` gives it). */
export function classNamed(classes: readonly ClassFact[], name: string): ClassFact | undefined {
  const i = placesFor(classes).all.get(name);
  return i === undefined ? undefined : classes[i];
}

/** The place of the first class of `classes` named `name`. */
export function classPlace(classes: readonly ClassFact[], name: string): number | undefined {
  return placesFor(classes).all.get(name);
}

/**
 * The places of the first class of each name in `classes` (as `classPlace` gives them), for a caller that asks
 * about many names of one list: each `classPlace` looks the list up first (a WeakMap lookup, asked for each of
 * ~920 references of a 2,000-line model file on every keystroke). The map must not be changed.
 */
export function classPlaces(classes: readonly ClassFact[]): ReadonlyMap<string, number> {
  return placesFor(classes).all;
}

/** The first class of `classes` named `name` that no other dialect framework claims. */
export function modelNamed(classes: readonly ClassFact[], name: string): ClassFact | undefined {
  const i = placesFor(classes).models.get(name);
  return i === undefined ? undefined : classes[i];
}
