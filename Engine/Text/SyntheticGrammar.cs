namespace Engine.Text;

/// <summary>
/// The template grammar behind <see cref="SyntheticCorpus"/>, written for this project: question templates for the
/// six TREC coarse classes with <c>{slot}</c> placeholders, and the word lists that fill the slots. A slot name
/// ending in 2 ("{city2}") takes a second, different value from the same list.
/// </summary>
internal static class SyntheticGrammar
{
    /// <summary>A template: text with slots, coarse class and fine class.</summary>
    internal sealed record Template(string Pattern, string Label, string Fine);

    internal static readonly Template[] Templates =
    [
        new("what does {abbr} stand for ?", "ABBR", "exp"),
        new("what does {abbr} stand for in {field} ?", "ABBR", "exp"),
        new("what is the full form of {abbr} ?", "ABBR", "exp"),
        new("what do the letters {abbr} mean ?", "ABBR", "exp"),
        new("what is the abbreviation for {longname} ?", "ABBR", "abb"),
        new("what is {concept} ?", "DESC", "def"),
        new("what does {concept} mean in {field} ?", "DESC", "def"),
        new("how does a {invention} work ?", "DESC", "manner"),
        new("why do {animals} {behavior} ?", "DESC", "reason"),
        new("why is {planet} so {adjective} ?", "DESC", "reason"),
        new("how do you make {food} ?", "DESC", "manner"),
        new("what is the difference between {food} and {food2} ?", "DESC", "desc"),
        new("how did {event} begin ?", "DESC", "manner"),
        new("what do {animals} eat in {country} ?", "ENTY", "food"),
        new("what color is a {animal} ?", "ENTY", "color"),
        new("what sport is most popular in {country} ?", "ENTY", "sport"),
        new("what language is spoken in {country} ?", "ENTY", "lang"),
        new("what instrument did {person} play ?", "ENTY", "instru"),
        new("what is the national dish of {country} ?", "ENTY", "food"),
        new("what currency is used in {country} ?", "ENTY", "currency"),
        new("what kind of animal is a {animal} ?", "ENTY", "animal"),
        new("who invented the {invention} ?", "HUM", "ind"),
        new("who wrote {book} ?", "HUM", "ind"),
        new("who was the first {profession} in {country} ?", "HUM", "ind"),
        new("who discovered {element} ?", "HUM", "ind"),
        new("who was {person} ?", "HUM", "desc"),
        new("what company makes the best {invention} in {country} ?", "HUM", "gr"),
        new("who is the most famous {sport} player from {country} ?", "HUM", "ind"),
        new("what is the capital of {country} ?", "LOC", "city"),
        new("where is {city} ?", "LOC", "other"),
        new("where was {person} born ?", "LOC", "other"),
        new("where does the {river} river flow ?", "LOC", "other"),
        new("which country has the most {animals} ?", "LOC", "country"),
        new("what is the largest city in {country} ?", "LOC", "city"),
        new("where can you find {animals} in {country} ?", "LOC", "other"),
        new("in which country is {mountain} ?", "LOC", "country"),
        new("how many {animals} are there in {country} ?", "NUM", "count"),
        new("how many people live in {city} ?", "NUM", "count"),
        new("when was the {invention} invented ?", "NUM", "date"),
        new("when did {event} happen ?", "NUM", "date"),
        new("how tall is {mountain} ?", "NUM", "dist"),
        new("how far is {city} from {city2} ?", "NUM", "dist"),
        new("how long is the {river} river ?", "NUM", "dist"),
        new("what year did {person} die ?", "NUM", "date"),
        new("how much does a {animal} weigh ?", "NUM", "weight"),
        new("how old was {person} in {year} ?", "NUM", "period"),
    ];

    internal static readonly Dictionary<string, string[]> Slots = new(StringComparer.Ordinal)
    {
        ["abbr"] =
        [
            "nasa", "fbi", "cia", "nato", "unesco", "dna", "rna", "laser", "radar", "scuba", "aids", "html", "cpu",
            "ufo", "bbc", "mph", "gdp", "atm", "pin", "gps", "led", "ram", "pdf", "vip",
        ],
        ["field"] = ["medicine", "computing", "science", "politics", "aviation", "music", "finance", "biology"],
        ["longname"] =
        [
            "the united nations", "the world health organization", "miles per hour", "the european union",
            "the british broadcasting corporation", "personal identification number", "gross domestic product",
            "very important person", "automated teller machine", "global positioning system",
            "random access memory", "light emitting diode",
        ],
        ["concept"] =
        [
            "democracy", "photosynthesis", "gravity", "inflation", "evolution", "a black hole", "an eclipse",
            "a volcano", "a tsunami", "the greenhouse effect", "osmosis", "a hurricane", "an earthquake",
            "cholesterol", "a comet", "a recession", "a monsoon", "hibernation", "a rainbow", "the stock market",
            "a glacier", "erosion", "a molecule", "an atom",
        ],
        ["invention"] =
        [
            "telephone", "light bulb", "printing press", "steam engine", "radio", "television", "airplane",
            "computer", "microscope", "telescope", "bicycle", "camera", "piano", "thermometer", "typewriter",
            "compass", "calculator", "refrigerator", "elevator", "parachute", "helicopter", "zipper",
            "stethoscope", "barometer",
        ],
        ["animals"] =
        [
            "elephants", "tigers", "wolves", "bears", "penguins", "whales", "dolphins", "lions", "giraffes", "zebras",
            "camels", "kangaroos", "owls", "eagles", "sharks", "horses", "monkeys", "frogs", "bees", "foxes",
        ],
        ["animal"] =
        [
            "elephant", "tiger", "wolf", "bear", "penguin", "whale", "dolphin", "lion", "giraffe", "zebra", "camel",
            "kangaroo", "owl", "eagle", "shark", "horse", "monkey", "frog", "bee", "fox",
        ],
        ["behavior"] =
        [
            "sleep in winter", "migrate", "live in groups", "hunt at night", "change color", "build nests",
            "sing at dawn", "travel so far", "fight each other", "hide their food",
        ],
        ["planet"] = ["mars", "venus", "jupiter", "saturn", "neptune", "uranus", "the earth", "pluto", "the moon"],
        ["adjective"] = ["hot", "cold", "bright", "big", "small", "red", "windy", "dark"],
        ["food"] =
        [
            "pizza", "sushi", "chocolate", "cheese", "bread", "coffee", "tea", "rice", "pasta", "curry",
            "ice cream", "yogurt", "popcorn", "honey", "wine", "butter",
        ],
        ["event"] =
        [
            "the first world war", "the french revolution", "the american civil war", "the moon landing",
            "the fall of the berlin wall", "the olympic games", "the battle of waterloo", "the great depression",
            "the renaissance", "the industrial revolution", "the cold war", "the gold rush", "the black death",
            "the space race", "the boston tea party",
        ],
        ["country"] =
        [
            "france", "germany", "italy", "spain", "portugal", "japan", "china", "india", "brazil", "canada",
            "mexico", "egypt", "kenya", "nigeria", "peru", "chile", "argentina", "australia", "russia", "sweden",
            "norway", "finland", "poland", "greece", "turkey", "iran", "vietnam", "thailand", "ireland", "austria",
        ],
        ["city"] =
        [
            "paris", "london", "tokyo", "berlin", "rome", "madrid", "cairo", "sydney", "toronto", "chicago",
            "boston", "denver", "moscow", "lisbon", "vienna", "dublin", "athens", "oslo", "lima", "mumbai", "seoul",
            "nairobi", "havana", "prague",
        ],
        ["person"] =
        [
            "george washington", "abraham lincoln", "albert einstein", "isaac newton", "marie curie",
            "charles darwin", "william shakespeare", "leonardo da vinci", "napoleon bonaparte", "julius caesar",
            "galileo galilei", "thomas edison", "mark twain", "jane austen", "ludwig van beethoven",
            "wolfgang amadeus mozart", "pablo picasso", "vincent van gogh", "nelson mandela", "winston churchill",
            "queen victoria", "cleopatra", "christopher columbus", "amelia earhart",
        ],
        ["book"] =
        [
            "hamlet", "moby dick", "war and peace", "the odyssey", "don quixote", "pride and prejudice",
            "the divine comedy", "the origin of species", "the republic", "frankenstein", "dracula",
            "the art of war", "treasure island", "little women", "the iliad",
        ],
        ["profession"] =
        [
            "doctor", "teacher", "lawyer", "nurse", "engineer", "astronaut", "pilot", "president", "king",
            "scientist", "woman to vote", "man to fly",
        ],
        ["element"] =
        [
            "oxygen", "hydrogen", "helium", "uranium", "radium", "nitrogen", "calcium", "sodium", "neon", "argon",
            "chlorine", "iodine", "potassium", "platinum", "plutonium",
        ],
        ["sport"] =
        [
            "football", "baseball", "tennis", "golf", "chess", "hockey", "cricket", "basketball", "rugby",
            "boxing", "volleyball", "skiing",
        ],
        ["river"] =
        [
            "nile", "amazon", "danube", "mississippi", "yangtze", "thames", "rhine", "ganges", "volga", "congo",
            "mekong", "seine", "colorado", "zambezi", "niger",
        ],
        ["mountain"] =
        [
            "mount everest", "kilimanjaro", "mont blanc", "mount fuji", "denali", "aconcagua", "the matterhorn",
            "mount olympus", "mount etna", "mount kenya", "ben nevis", "mount elbrus",
        ],
        ["year"] = ["1066", "1492", "1600", "1776", "1815", "1848", "1865", "1900", "1914", "1929", "1945", "1969"],
    };
}
