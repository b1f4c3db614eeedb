using Tributary.App;

var app = TributaryApp.Create(new WebApplicationOptions { Args = args });
await app.RunAsync();
