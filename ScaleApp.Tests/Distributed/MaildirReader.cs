using MimeKit;

namespace ScaleApp.Tests.Distributed;

/// <summary>Reads the messages the SMTP sink stored in its Maildir.</summary>
internal static class MaildirReader
{
    public static IReadOnlyList<MimeMessage> MessagesTo(string maildir, string address)
    {
        var files = new[] { "new", "cur" }
            .Select(folder => Path.Combine(maildir, folder))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles);

        var messages = new List<MimeMessage>();
        foreach (var file in files)
        {
            var message = MimeMessage.Load(file);
            if (message.To.Mailboxes.Any(mailbox => string.Equals(mailbox.Address, address, StringComparison.OrdinalIgnoreCase)))
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    /// <summary>Polls the Maildir until at least one message to <paramref name="address"/> arrives or the timeout passes.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitForMessagesToAsync(string maildir, string address, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = MessagesTo(maildir, address);
            if (messages.Count > 0 || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
