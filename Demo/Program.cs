Console.WriteLine("Engine demo");
