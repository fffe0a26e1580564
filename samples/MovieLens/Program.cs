using MovieLensSample;

return await SampleApp.RunAsync(args).ConfigureAwait(false);
