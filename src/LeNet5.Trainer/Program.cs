Console.WriteLine("lenet5: not built yet");
