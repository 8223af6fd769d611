import { didYouMean, editDistance, nearestWords } from "../modules/spelling";

test("a swap of two neighbours is one edit, as are an insert, a delete and a replace", () => {
  expect(editDistance("regoin", "region")).toBe(1);
  expect(editDistance("type", "types")).toBe(1);
  expect(editDistance("types", "type")).toBe(1);
  expect(editDistance("m7z.2xlarge", "m7i.2xlarge")).toBe(1);
  expect(editDistance("", "abc")).toBe(3);
  expect(editDistance("kitten", "sitting")).toBe(3);
});

test("the nearest known words, ignoring case, only when they are near enough for the word's length", () => {
  expect(nearestWords("vpcID", ["vpcId", "vpcCidr"])).toEqual(["vpcId"]);
  expect(nearestWords("tpye", ["type", "os", "amiId"])).toEqual(["type"]);
  // One edit allowed for a five-letter word: "tags" is four away.
  expect(nearestWords("bogus", ["tags", "name", "region"])).toEqual([]);
  expect(nearestWords("ab", ["ac", "ad", "ae", "af"])).toEqual(["ac", "ad", "ae"]);
});

test("reads as a question after a message, or not at all", () => {
  expect(didYouMean(["region"], (w) => `"${w}"`)).toBe(' (did you mean "region"?)');
  expect(didYouMean(["a", "b", "c"])).toBe(" (did you mean a, b or c?)");
  expect(didYouMean([])).toBe("");
});
