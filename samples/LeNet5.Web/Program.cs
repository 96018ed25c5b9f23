using LeNet5.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
string baseAddress = builder.HostEnvironment.BaseAddress;
builder.Services.AddSingleton(_ => new HttpClient { BaseAddress = new Uri(baseAddress) });
builder.Services.AddSingleton<ModelChoice>();
await builder.Build().RunAsync();
